package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ActionSigned is the audit action of a new signature.
const ActionSigned = "signature.created"

// NewSignature is what the pledge service hands over to be made durable.
type NewSignature struct {
	ASN        ASN
	CampaignID uint
	SignedAt   time.Time
	TypedName  string
	DrawnPNG   []byte
	IP         string
	UserAgent  string
	PledgeHash string
	CertCode   string
}

// SignResult says what happened: Created is false when the ASN had already
// signed, in which case Signature is the earlier one.
type SignResult struct {
	Signature Signature
	Created   bool
}

type signReq struct {
	ctx   context.Context
	sig   NewSignature
	reply chan signReply
}

type signReply struct {
	res SignResult
	err error
}

// groupCommitter turns many concurrent signatures into few durable
// commits: one goroutine takes whatever requests are waiting, writes them
// (and their audit events) in one transaction, and answers each request only
// after that transaction is on disk. With synchronous=FULL a commit costs
// one fsync, so this is what lets signing go faster than the disk's fsync
// rate without acknowledging anything early.
type groupCommitter struct {
	s       *Store
	q       chan signReq
	done    chan struct{}
	stopped sync.Once
}

const maxBatch = 256

func newGroupCommitter(s *Store) *groupCommitter {
	g := &groupCommitter{s: s, q: make(chan signReq, 1024), done: make(chan struct{})}
	go g.loop()
	return g
}

func (g *groupCommitter) stop() {
	g.stopped.Do(func() {
		close(g.q)
		<-g.done
	})
}

func (g *groupCommitter) loop() {
	defer close(g.done)
	batch := make([]signReq, 0, maxBatch)
	for first := range g.q {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-g.q:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		g.commit(batch)
	}
}

func (g *groupCommitter) commit(batch []signReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if r.ctx.Err() != nil {
			r.reply <- signReply{err: r.ctx.Err()}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	replies := make([]signReply, len(live))
	err := g.s.w.Transaction(func(tx *gorm.DB) error {
		for i, r := range live {
			res, err := insertSignature(tx, r.sig)
			if err != nil {
				return err
			}
			replies[i] = signReply{res: res}
		}
		return nil
	})
	if err == nil {
		for i, r := range live {
			r.reply <- replies[i]
		}
		return
	}
	if len(live) == 1 {
		live[0].reply <- signReply{err: err}
		return
	}
	// One bad request must not fail its neighbours: retry them one by one.
	g.s.log.Warn("signature batch failed, retrying singly", "size", len(live), "err", err)
	for _, r := range live {
		g.commit([]signReq{r})
	}
}

// insertSignature writes one signature and its audit event. A concurrent or
// repeated signature of the same ASN and campaign hits the unique index and
// returns the stored one instead.
func insertSignature(tx *gorm.DB, n NewSignature) (SignResult, error) {
	sig := Signature{
		ASNID: n.ASN.ID, CampaignID: n.CampaignID, DepartmentID: n.ASN.DepartmentID,
		SignedAt: n.SignedAt.UTC(), TypedName: n.TypedName, DrawnPNG: n.DrawnPNG,
		IP: n.IP, UserAgent: n.UserAgent, PledgeHash: n.PledgeHash, CertCode: n.CertCode,
	}
	res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "asn_id"}, {Name: "campaign_id"}}, DoNothing: true}).Create(&sig)
	if res.Error != nil {
		return SignResult{}, fmt.Errorf("insert signature of %s: %w", n.ASN.NIP, res.Error)
	}
	if res.RowsAffected == 0 {
		var existing Signature
		if err := tx.Where("asn_id = ? AND campaign_id = ?", n.ASN.ID, n.CampaignID).Take(&existing).Error; err != nil {
			return SignResult{}, fmt.Errorf("read existing signature of %s: %w", n.ASN.NIP, err)
		}
		return SignResult{Signature: existing}, nil
	}
	detail := audit.Detail(map[string]string{
		"signature_id": strconv.FormatUint(uint64(sig.ID), 10),
		"nip":          n.ASN.NIP,
		"campaign_id":  strconv.FormatUint(uint64(n.CampaignID), 10),
		"cert_code":    sig.CertCode,
		"digest":       audit.SignatureDigest(n.ASN.NIP, sig.CampaignID, sig.SignedAt, sig.TypedName, sig.PledgeHash, sig.CertCode, sig.DrawnPNG),
	})
	if _, err := appendEvent(tx, sig.SignedAt, "asn:"+n.ASN.NIP, ActionSigned, "signature:"+sig.CertCode, detail); err != nil {
		return SignResult{}, err
	}
	return SignResult{Signature: sig, Created: true}, nil
}

func parseSignedDetail(detail string) (uint, string, error) {
	var d map[string]string
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		return 0, "", fmt.Errorf("signature event detail is not JSON: %w", err)
	}
	id, err := strconv.ParseUint(d["signature_id"], 10, 64)
	if err != nil || d["digest"] == "" {
		return 0, "", errors.New("signature event lacks signature_id or digest")
	}
	return uint(id), d["digest"], nil
}

type signatureWithNIP struct {
	Signature
	NIP string `gorm:"column:nip"`
}

func (s signatureWithNIP) digest() string {
	return audit.SignatureDigest(s.NIP, s.CampaignID, s.SignedAt, s.TypedName, s.PledgeHash, s.CertCode, s.DrawnPNG)
}

// Sign makes a signature durable through the group committer and returns
// only once it is committed to disk.
func (s *Store) Sign(ctx context.Context, n NewSignature) (SignResult, error) {
	r := signReq{ctx: ctx, sig: n, reply: make(chan signReply, 1)}
	select {
	case s.signer.q <- r:
	case <-ctx.Done():
		return SignResult{}, ctx.Err()
	}
	// Wait for the reply even if ctx ends now: the batch may already be
	// committing, and the caller must learn whether it landed.
	rep := <-r.reply
	return rep.res, rep.err
}

// SignatureOf returns an ASN's signature of a campaign.
func (s *Store) SignatureOf(ctx context.Context, asnID, campaignID uint) (Signature, error) {
	var sig Signature
	err := s.r.WithContext(ctx).Where("asn_id = ? AND campaign_id = ?", asnID, campaignID).Take(&sig).Error
	if err != nil {
		return Signature{}, notFound(err, "signature")
	}
	return sig, nil
}

// SignatureByCode finds a signature by its certificate code.
func (s *Store) SignatureByCode(ctx context.Context, code string) (Signature, error) {
	var sig Signature
	err := s.r.WithContext(ctx).Where("cert_code = ?", code).Take(&sig).Error
	if err != nil {
		return Signature{}, notFound(err, "signature "+code)
	}
	return sig, nil
}

// SignatureByID finds a signature by id.
func (s *Store) SignatureByID(ctx context.Context, id uint) (Signature, error) {
	var sig Signature
	if err := s.r.WithContext(ctx).Take(&sig, id).Error; err != nil {
		return Signature{}, notFound(err, "signature")
	}
	return sig, nil
}

// CountSignatures counts signatures of a campaign (0 = all campaigns).
func (s *Store) CountSignatures(ctx context.Context, campaignID uint) (int64, error) {
	var n int64
	q := s.r.WithContext(ctx).Model(&Signature{})
	if campaignID != 0 {
		q = q.Where("campaign_id = ?", campaignID)
	}
	if err := q.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count signatures: %w", err)
	}
	return n, nil
}
