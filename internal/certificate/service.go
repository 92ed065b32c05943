package certificate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
)

// Service issues, stores and verifies the certificates of signatures.
// Signing never waits for a PDF: background workers make them soon after,
// and a download that comes first makes its own. Either way the first
// signed bytes stored are the certificate forever after.
type Service struct {
	Store   *store.Store
	Signer  *Signer
	BaseURL string
	Log     *slog.Logger

	wake chan struct{}
	// lastSignature is when Wake was last called (unix nanoseconds). The
	// workers make certificates in the lulls between signatures, so that a
	// signing rush has both cores; see waitForLull.
	lastSignature atomic.Int64
	// tsaBackoff and tsaPausedUntil (unix nanoseconds): while the timestamp
	// authority fails, the workers stop trying for a while, doubling the
	// pause up to tsaMaxPause, instead of failing every pending
	// certificate every two seconds.
	tsaMu          sync.Mutex
	tsaBackoff     time.Duration
	tsaPausedUntil atomic.Int64
	// quiet and maxDefer tune waitForLull; zero means the defaults.
	quiet, maxDefer time.Duration
	// inflight collapses concurrent first downloads of one certificate in
	// this process into a single PDF; across processes (several instances
	// on PostgreSQL) store.IssueOnce makes sure it is made once.
	mu       sync.Mutex
	inflight map[uint]*call
}

type call struct {
	done chan struct{}
	pdf  []byte
	err  error
}

// NewService wires a certificate service.
func NewService(st *store.Store, signer *Signer, baseURL string, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Store: st, Signer: signer, BaseURL: baseURL, Log: log, wake: make(chan struct{}, 1), inflight: map[uint]*call{}}
}

// PDF returns the stored certificate of sig, making and storing it first
// when it does not exist yet.
func (s *Service) PDF(ctx context.Context, sig store.Signature) ([]byte, error) {
	return s.pdf(ctx, sig, true)
}

// pdf is PDF for a download (wait: another instance issuing the same
// certificate is waited for) or a background worker (!wait: it is skipped
// with store.ErrBusy).
func (s *Service) pdf(ctx context.Context, sig store.Signature, wait bool) ([]byte, error) {
	if c, err := s.Store.CertificateOf(ctx, sig.ID); err == nil {
		return c.PDF, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	s.mu.Lock()
	if c, ok := s.inflight[sig.ID]; ok {
		s.mu.Unlock()
		<-c.done
		if wait && errors.Is(c.err, store.ErrBusy) {
			// The worker this joined stepped aside for another instance;
			// a download waits for that instance instead.
			return s.issue(ctx, sig, true)
		}
		return c.pdf, c.err
	}
	c := &call{done: make(chan struct{})}
	s.inflight[sig.ID] = c
	s.mu.Unlock()

	c.pdf, c.err = s.issue(ctx, sig, wait)
	s.mu.Lock()
	delete(s.inflight, sig.ID)
	s.mu.Unlock()
	close(c.done)
	return c.pdf, c.err
}

// Data gathers what a certificate shows about a signature.
func (s *Service) Data(ctx context.Context, sig store.Signature) (Data, error) {
	// The certificate speaks of the person as they signed (SignerName …),
	// not of today's roster row, which may since have been renamed.
	dept, err := s.Store.DepartmentByID(ctx, sig.DepartmentID)
	if err != nil {
		return Data{}, err
	}
	camp, err := s.Store.CampaignByID(ctx, sig.CampaignID)
	if err != nil {
		return Data{}, err
	}
	text, _, err := pledge.TextsOf(camp)
	if err != nil {
		return Data{}, err
	}
	return Data{
		Code: sig.CertCode, Instansi: camp.Instansi, CampaignTitle: text.Title, Preamble: text.Preamble,
		Points: text.Points, Closing: text.Closing, Name: sig.SignerName, NIP: sig.SignerNIP, Position: sig.SignerPosition,
		Department: dept.Name, TypedName: sig.TypedName, SignedAt: sig.SignedAt, SignaturePNG: sig.DrawnPNG,
		PledgeHash: sig.PledgeHash, VerifyURL: s.BaseURL + "/verify/" + sig.CertCode,
	}, nil
}

func (s *Service) issue(ctx context.Context, sig store.Signature, wait bool) ([]byte, error) {
	// Read everything first: render runs inside the store's issuing
	// transaction and must not use the store.
	d, err := s.Data(ctx, sig)
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", sig.CertCode, err)
	}
	render := func() (store.Certificate, error) {
		pdf, err := s.Signer.Make(d)
		if err != nil {
			return store.Certificate{}, fmt.Errorf("make certificate %s: %w", sig.CertCode, err)
		}
		sum := sha256.Sum256(pdf)
		c := store.Certificate{PDF: pdf, SHA256: hex.EncodeToString(sum[:]), BaseURL: s.BaseURL}
		// One line per certificate made lets an operator (and the
		// multi-instance test) see that none is ever made twice.
		s.Log.Info("certificate made", "signature", sig.ID, "code", sig.CertCode, "sha256", c.SHA256)
		return c, nil
	}
	issueOnce := s.Store.IssueOnce
	if !wait {
		issueOnce = s.Store.TryIssueOnce
	}
	// Once started, a certificate is finished and stored even if the
	// download that asked for it is abandoned: otherwise its PDF would be
	// thrown away with the rolled-back transaction and made again later.
	stored, err := issueOnce(context.WithoutCancel(ctx), sig.ID, render)
	if err != nil {
		return nil, fmt.Errorf("store certificate %s: %w", sig.CertCode, err)
	}
	return stored.PDF, nil
}

// Default lull tuning. A certificate costs about as much CPU as a few
// signing visits, so making them during a signing rush slowed signing by
// 10–15%; 500 ms without a signature is a lull. maxDefer bounds the wait
// so that a steady stream of signatures still gets its certificates, one
// per worker every few seconds, and a rush leaves no backlog behind.
const (
	defaultQuiet    = 500 * time.Millisecond
	defaultMaxDefer = 5 * time.Second
)

// waitForLull returns once no signature has arrived for the quiet period,
// after maxDefer at the latest, or when ctx ends.
func (s *Service) waitForLull(ctx context.Context) {
	quiet, maxDefer := s.quiet, s.maxDefer
	if quiet == 0 {
		quiet = defaultQuiet
	}
	if maxDefer == 0 {
		maxDefer = defaultMaxDefer
	}
	deadline := time.Now().Add(maxDefer)
	for {
		wait := quiet - time.Since(time.Unix(0, s.lastSignature.Load()))
		wait = min(wait, time.Until(deadline))
		if wait <= 0 {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

const (
	tsaFirstPause = 15 * time.Second
	tsaMaxPause   = 5 * time.Minute
)

func (s *Service) tsaPaused() bool { return time.Now().UnixNano() < s.tsaPausedUntil.Load() }

// noteTSA records the outcome of one issuing for the TSA backoff.
func (s *Service) noteTSA(err error) {
	s.tsaMu.Lock()
	defer s.tsaMu.Unlock()
	if !errors.Is(err, ErrTSA) {
		if err == nil {
			s.tsaBackoff = 0
		}
		return
	}
	s.tsaBackoff = min(max(2*s.tsaBackoff, tsaFirstPause), tsaMaxPause)
	s.tsaPausedUntil.Store(time.Now().Add(s.tsaBackoff).UnixNano())
	s.Log.Warn("timestamp authority failing: certificates wait", "retry_in", s.tsaBackoff, "err", err)
}

// Wake tells the workers new signatures are waiting. They make their
// certificates once signing pauses (a download never waits for that).
func (s *Service) Wake() {
	s.lastSignature.Store(time.Now().UnixNano())
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// StartWorkers runs n background workers that make missing certificates
// until ctx ends; the returned channel closes when they have stopped.
func (s *Service) StartWorkers(ctx context.Context, n int) <-chan struct{} {
	done := make(chan struct{})
	jobs := make(chan uint)
	var wg sync.WaitGroup
	for range max(n, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				if s.tsaPaused() {
					continue // the dispatcher offers it again after the pause
				}
				s.waitForLull(ctx)
				sig, err := s.Store.SignatureByID(ctx, id)
				if err == nil {
					_, err = s.pdf(ctx, sig, false)
				}
				if errors.Is(err, store.ErrBusy) {
					continue // another instance is making it; if it dies, a later pass picks it up
				}
				s.noteTSA(err)
				if err != nil && ctx.Err() == nil {
					s.Log.Error("background certificate failed", "signature", id, "err", err)
				}
			}
		}()
	}
	go func() {
		defer close(done)
		defer wg.Wait()
		defer close(jobs)
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for {
			s.waitForLull(ctx)
			ids, err := s.Store.SignaturesWithoutCertificate(ctx, 256)
			if err != nil && ctx.Err() == nil {
				s.Log.Error("list pending certificates", "err", err)
			}
			for _, id := range ids {
				select {
				case jobs <- id:
				case <-ctx.Done():
					return
				}
			}
			if len(ids) == 256 {
				continue
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			case <-s.wake:
			}
		}
	}()
	return done
}

// VerifyUpload checks an uploaded or offline PDF: the embedded signature
// must be valid and made by one of this database's keys, the code must name
// a signature on record, and the file must be the certificate of that
// record: byte for byte the stored copy, or a genuine copy whose signed
// content is exactly what the record renders to. The second case is a copy
// downloaded before a restore, where the stored certificate had to be made
// again (re-signing gives other bytes: the CMS signing time).
func (s *Service) VerifyUpload(ctx context.Context, pdf []byte) (store.Signature, error) {
	v, err := s.Signer.Verify(pdf)
	if errors.Is(err, ErrUnknownSigner) {
		for _, earlier := range s.earlierKeys(ctx) {
			if ev, eerr := earlier.Verify(pdf); eerr == nil {
				v, err = ev, nil
				break
			}
		}
	}
	if err != nil {
		return store.Signature{}, err
	}
	sig, err := s.Store.SignatureByCode(ctx, v.Code)
	if errors.Is(err, store.ErrNotFound) {
		return store.Signature{}, ErrNotInDatabase
	}
	if err != nil {
		return store.Signature{}, err
	}
	stored, err := s.Store.CertificateOf(ctx, sig.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Signature{}, err
	}
	if err != nil || stored.SHA256 != v.SHA256 {
		// An earlier version an admin re-issued is still ours, and says so.
		if _, rerr := s.Store.ReplacedCertificateOf(ctx, sig.ID, v.SHA256); rerr == nil {
			if sig.Revoked {
				return sig, ErrRevoked
			}
			return sig, ErrReplaced
		} else if !errors.Is(rerr, store.ErrNotFound) {
			return store.Signature{}, rerr
		}
		ok, err := s.contentMatches(ctx, sig, pdf, stored.BaseURL)
		if err != nil {
			return store.Signature{}, err
		}
		if !ok {
			return store.Signature{}, ErrNotOnRecord
		}
	}
	if sig.Revoked {
		return sig, ErrRevoked
	}
	return sig, nil
}

// contentMatches reports whether a genuinely signed pdf is the record's
// certificate: our signatures are incremental updates that keep the
// rendered document as their first bytes, and rendering is deterministic,
// so the record renders to exactly that prefix. The QR code names the
// server's public address: this process's, or the one the stored copy was
// made under (storedBase, "" if unknown).
func (s *Service) contentMatches(ctx context.Context, sig store.Signature, pdf []byte, storedBase string) (bool, error) {
	d, err := s.Data(ctx, sig)
	if err != nil {
		return false, err
	}
	bases := []string{s.BaseURL}
	if storedBase != "" && storedBase != s.BaseURL {
		bases = append(bases, storedBase)
	}
	for _, base := range bases {
		d.VerifyURL = base + "/verify/" + sig.CertCode
		rendered, err := Render(d)
		if err != nil {
			return false, err
		}
		if bytes.HasPrefix(pdf, rendered) {
			return true, nil
		}
	}
	return false, nil
}

// Errors of VerifyUpload beyond the PDF-level ones.
var (
	ErrNotOnRecord = errors.New("certificate is not the one on record")
	// ErrNotInDatabase: genuinely signed by this system, but its code is
	// not in this database, e.g. signed after the backup it was restored from.
	ErrNotInDatabase = errors.New("certificate is signed by this system but its code is not in this database")
	ErrRevoked       = errors.New("certificate has been revoked")
)

// Reason is the message for people explaining a verification error.
func (s *Service) Reason(err error) *i18n.Error { return Reason(err) }
