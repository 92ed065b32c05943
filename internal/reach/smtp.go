package reach

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// SMTP sends mail through one SMTP server.
type SMTP struct {
	host string
	opts []mail.Option
	from string
}

// NewSMTP reads an IKRAR_SMTP_URL: smtp://user:pass@host:587 (STARTTLS,
// required when a password is given, so it never travels in clear),
// smtps://user:pass@host:465 (TLS from the start), and smtp://host:25?tls=none
// for a relay on the same machine that speaks no TLS.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("SMTP URL: %w", err)
	}
	if u.Hostname() == "" {
		return nil, errors.New("SMTP URL: no host")
	}
	opts := []mail.Option{mail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		policy := mail.TLSOpportunistic
		if _, hasPass := u.User.Password(); hasPass {
			policy = mail.TLSMandatory
		}
		if u.Query().Get("tls") == "none" {
			policy = mail.NoTLS
		}
		opts = append(opts, mail.WithTLSPolicy(policy))
	case "smtps":
		port = 465
		opts = append(opts, mail.WithSSL())
	default:
		return nil, fmt.Errorf("SMTP URL: scheme %q (want smtp or smtps)", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP URL: port %q", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(user), mail.WithPassword(pass))
	}
	m := &SMTP{host: u.Hostname(), opts: opts, from: from}
	if _, err := m.newMsg(Mail{To: "check@example.invalid"}); err != nil {
		return nil, err
	}
	return m, nil
}

func (s *SMTP) newMsg(m Mail) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return nil, fmt.Errorf("From address %q: %w", s.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, &RefusedError{Err: fmt.Errorf("address %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageID()
	}
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// Send delivers one message over a fresh connection.
func (s *SMTP) Send(ctx context.Context, m Mail) error {
	msg, err := s.newMsg(m)
	if err != nil {
		return err
	}
	c, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("SMTP client: %w", err)
	}
	err = c.DialAndSendWithContext(ctx, msg)
	var se *mail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.Reason == mail.ErrSMTPRcptTo {
		return &RefusedError{Err: err}
	}
	return err
}

// RefusedError is a recipient the server refused for good (5xx on RCPT
// TO) or an address that is not one: retrying cannot help, and the person
// is marked so that nobody keeps writing to it.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return "address refused: " + e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// permanent tells whether an error will not go away by retrying.
func permanent(err error) bool {
	var re *RefusedError
	if errors.As(err, &re) {
		return true
	}
	var se *mail.SendError
	return errors.As(err, &se) && !se.IsTemp() && strings.HasPrefix(strconv.Itoa(se.ErrorCode()), "5")
}
