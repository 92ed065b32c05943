// Package config turns defaults, IKRAR_* environment variables and flags
// into one validated Config that is passed explicitly to everything else.
package config

import (
	"errors"
	"flag"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
)

// Config is everything a command needs to know about its deployment.
type Config struct {
	Addr     string
	DataDir  string
	DBDriver string
	DB       string // SQLite path or PostgreSQL DSN
	BaseURL  string
	Instansi string
	LogJSON  bool
	// BaseURLGiven is true when --base-url or IKRAR_BASE_URL set BaseURL
	// (false: the localhost default, which CLI commands replace with the
	// address `serve` recorded).
	BaseURLGiven bool
	// AllowLocalhost lets CLI commands write links and certificates with a
	// loopback address (tests, a demo on one machine).
	AllowLocalhost bool

	// Signing key material; empty means "generate into DataDir on first run".
	CertFile       string
	KeyFile        string
	PKCS12File     string
	PKCS12Password string
	// TSAURL is an RFC 3161 timestamp authority (e.g. BSrE's): with it,
	// every certificate's signature carries trusted time (PAdES B-T).
	TSAURL string
	// AcceptNewKey lets a server start with a signing key that is not the
	// one recorded in its database (certificate.OpenSigner refuses that
	// otherwise): a deliberate change of key, recorded in the audit chain.
	AcceptNewKey bool

	SecureCookies bool
	TrustProxy    bool // trust X-Forwarded-For from loopback and private-range proxies (IKRAR_TRUST_PROXY=1)
	// TrustedProxiesList is the comma-separated CIDRs or addresses of the
	// reverse proxies whose X-Forwarded-For is believed; Finish parses it
	// (with TrustProxy's ranges) into TrustedProxies.
	TrustedProxiesList string
	TrustedProxies     []netip.Prefix
	Require2FA         bool // admins must set up TOTP before using admin pages
	ShutdownTimeout    time.Duration
	CertWorkers        int

	// Reaching people: SMTP server (smtp://user:pass@host:587 with STARTTLS,
	// smtps://user:pass@host:465; empty: messages stay queued), the From
	// address and the most messages sent per minute.
	SMTPURL   string
	MailFrom  string
	MailRate  int
	MailLease time.Duration // how long a sender holds the messages it claimed before another may take them over
	// DigestTime is when (WIB, "HH:MM") each head's daily digest is
	// queued, or "off"; Finish parses it into DigestAt / NoDigest.
	DigestTime string
	DigestAt   time.Duration // from midnight WIB
	NoDigest   bool
	// CompletedCheck is how often the server looks for units that reached
	// 100 % (their webhook and the message to their heads).
	CompletedCheck time.Duration
}

// Defaults returns the configuration a fresh checkout runs with.
func Defaults() Config {
	return Config{
		Addr:            ":8080",
		DataDir:         "./data",
		DBDriver:        "sqlite",
		Instansi:        "Pemerintah Kota Yogyakarta",
		ShutdownTimeout: 15 * time.Second,
		CertWorkers:     2,
		MailRate:        60,
		MailLease:       2 * time.Minute,
		DigestTime:      "07:00",
		CompletedCheck:  time.Minute,
	}
}

// Getenv matches os.Getenv so tests can pass a map lookup instead.
type Getenv func(string) string

// helpLang is the language of the flags' help: English, as it always was;
// the Indonesian is beside it in the catalogue (package i18n).
const helpLang = "en"

// Register binds the shared flags to c, after applying environment
// variables so that flags win over the environment and the environment wins
// over defaults.
func (c *Config) Register(fs *flag.FlagSet, getenv Getenv) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("IKRAR_ADDR", c.Addr), i18n.T(helpLang, "flag_addr"))
	fs.StringVar(&c.DataDir, "data", env("IKRAR_DATA", c.DataDir), i18n.T(helpLang, "flag_data"))
	fs.StringVar(&c.DBDriver, "db-driver", env("IKRAR_DB_DRIVER", c.DBDriver), i18n.T(helpLang, "flag_db_driver"))
	fs.StringVar(&c.DB, "db", env("IKRAR_DB", c.DB), i18n.T(helpLang, "flag_db"))
	fs.StringVar(&c.BaseURL, "base-url", env("IKRAR_BASE_URL", c.BaseURL), i18n.T(helpLang, "flag_base_url"))
	fs.StringVar(&c.Instansi, "instansi", env("IKRAR_INSTANSI", c.Instansi), i18n.T(helpLang, "flag_instansi"))
	fs.StringVar(&c.CertFile, "signing-cert", env("IKRAR_SIGNING_CERT", c.CertFile), i18n.T(helpLang, "flag_signing_cert"))
	fs.StringVar(&c.KeyFile, "signing-key", env("IKRAR_SIGNING_KEY", c.KeyFile), i18n.T(helpLang, "flag_signing_key"))
	fs.StringVar(&c.PKCS12File, "signing-p12", env("IKRAR_SIGNING_P12", c.PKCS12File), i18n.T(helpLang, "flag_signing_p12"))
	fs.StringVar(&c.SMTPURL, "smtp-url", env("IKRAR_SMTP_URL", c.SMTPURL), i18n.T(helpLang, "flag_smtp_url"))
	fs.StringVar(&c.MailFrom, "mail-from", env("IKRAR_MAIL_FROM", c.MailFrom), i18n.T(helpLang, "flag_mail_from"))
	fs.IntVar(&c.CertWorkers, "cert-workers", envInt(getenv, "IKRAR_CERT_WORKERS", c.CertWorkers), i18n.T(helpLang, "flag_cert_workers"))
	fs.IntVar(&c.MailRate, "mail-rate", envInt(getenv, "IKRAR_MAIL_RATE", c.MailRate), i18n.T(helpLang, "flag_mail_rate"))
	fs.DurationVar(&c.MailLease, "mail-lease", envDuration(getenv, "IKRAR_MAIL_LEASE", c.MailLease), i18n.T(helpLang, "flag_mail_lease"))
	fs.StringVar(&c.DigestTime, "digest-time", env("IKRAR_DIGEST_TIME", c.DigestTime), i18n.T(helpLang, "flag_digest_time"))
	fs.DurationVar(&c.CompletedCheck, "completed-check", envDuration(getenv, "IKRAR_COMPLETED_CHECK", c.CompletedCheck), i18n.T(helpLang, "flag_completed_check"))
	fs.BoolVar(&c.AcceptNewKey, "accept-new-key", env("IKRAR_ACCEPT_NEW_KEY", "") == "1", i18n.T(helpLang, "flag_accept_new_key"))
	c.PKCS12Password = env("IKRAR_SIGNING_P12_PASSWORD", c.PKCS12Password)
	fs.StringVar(&c.TSAURL, "tsa-url", env("IKRAR_TSA_URL", c.TSAURL), i18n.T(helpLang, "flag_tsa_url"))
	c.LogJSON = env("IKRAR_LOG_FORMAT", "text") == "json"
	c.SecureCookies = env("IKRAR_SECURE_COOKIES", "") == "1"
	c.TrustProxy = env("IKRAR_TRUST_PROXY", "") == "1"
	fs.StringVar(&c.TrustedProxiesList, "trusted-proxies", env("IKRAR_TRUSTED_PROXIES", c.TrustedProxiesList),
		i18n.T(helpLang, "flag_trusted_proxies"))
	c.Require2FA = env("IKRAR_REQUIRE_2FA", "") == "1"
	fs.BoolVar(&c.AllowLocalhost, "allow-localhost", env("IKRAR_ALLOW_LOCALHOST", "") == "1",
		i18n.T(helpLang, "flag_allow_localhost"))
}

// IsLocalURL reports whether u points at this machine only (localhost, a
// loopback or unspecified address): a QR code with it works for nobody else.
func IsLocalURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := strings.ToLower(p.Hostname())
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// Finish fills derived values and validates. Call it after flag parsing.
func (c *Config) Finish() error {
	if c.DataDir == "" {
		return errors.New(i18n.T(helpLang, "config_data_empty"))
	}
	switch c.DBDriver {
	case "sqlite":
		if c.DB == "" {
			c.DB = filepath.Join(c.DataDir, "ikrar.db")
		}
	case "postgres":
		if c.DB == "" {
			return errors.New(i18n.T(helpLang, "config_pg_dsn"))
		}
	default:
		return errors.New(i18n.T(helpLang, "cli_migrate_driver", c.DBDriver))
	}
	c.BaseURLGiven = c.BaseURL != ""
	if c.BaseURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.BaseURL = "http://" + host
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if strings.HasPrefix(c.BaseURL, "https://") {
		c.SecureCookies = true
	}
	if c.CertWorkers < 0 {
		return errors.New(i18n.T(helpLang, "config_cert_workers"))
	}
	if c.MailRate < 1 {
		return errors.New(i18n.T(helpLang, "config_mail_rate"))
	}
	if c.MailLease < time.Second {
		return errors.New(i18n.T(helpLang, "config_mail_lease"))
	}
	if err := c.parseDigestTime(); err != nil {
		return err
	}
	if c.CompletedCheck < time.Second {
		return errors.New(i18n.T(helpLang, "config_completed_check"))
	}
	if c.SMTPURL != "" {
		if !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
			return errors.New(i18n.T(helpLang, "config_smtp_scheme"))
		}
		if c.MailFrom == "" {
			return errors.New(i18n.T(helpLang, "config_mail_from_needed"))
		}
	}
	var err error
	if c.TrustedProxies, err = parseProxies(c.TrustedProxiesList, c.TrustProxy); err != nil {
		return err
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return errors.New(i18n.T(helpLang, "config_cert_key_pair"))
	}
	return nil
}

// envInt reads an integer variable; a value that is not a number is kept
// as -1 so that Finish reports it rather than silently using the default.
func envInt(getenv Getenv, key string, def int) int {
	v := getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return n
}

// privateRanges are what IKRAR_TRUST_PROXY=1 trusts: loopback, private
// and link-local addresses, where a reverse proxy usually sits.
var privateRanges = []string{"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
	"169.254.0.0/16", "fc00::/7", "fe80::/10"}

// parseProxies reads a comma-separated list of CIDRs or single addresses.
func parseProxies(list string, private bool) ([]netip.Prefix, error) {
	var out []netip.Prefix
	items := strings.Split(list, ",")
	if private {
		items = append(items, privateRanges...)
	}
	for _, item := range items {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			a, err := netip.ParseAddr(item)
			if err != nil {
				return nil, i18n.New("config_proxy_invalid", item)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, i18n.New("config_proxy_invalid", item)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// envDuration reads a duration variable ("2m"); a malformed one becomes 0,
// which Finish rejects.
func envDuration(getenv Getenv, key string, def time.Duration) time.Duration {
	v := getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0
	}
	return d
}

// parseDigestTime reads DigestTime: "HH:MM" (also "H.MM", as Indonesians
// write times) from 00:00 to 23:59, or "off".
func (c *Config) parseDigestTime() error {
	v := strings.TrimSpace(strings.ToLower(c.DigestTime))
	c.NoDigest = v == "off"
	if c.NoDigest {
		return nil
	}
	hh, mm, ok := strings.Cut(strings.Replace(v, ".", ":", 1), ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(mm) != 2 {
		return errors.New(i18n.T(helpLang, "config_digest_time", c.DigestTime))
	}
	c.DigestAt = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	return nil
}
