package store

import "time"

// CampaignStatus is where a campaign stands: a draft nobody can sign yet,
// open for signing, or closed with its figures recorded. The moves
// between them (and what each costs) are package campaign's; the type is
// declared here, next to the row that stores it, because the store's own
// transactions read it (a closing records the figures).
type CampaignStatus string

// The campaign statuses, as stored in campaigns.status.
const (
	CampaignDraft  CampaignStatus = "draft"
	CampaignOpen   CampaignStatus = "open"
	CampaignClosed CampaignStatus = "closed"
)

// Campaign is one pledge text with its signing window. Its text is frozen
// once anyone has signed: a change makes a new campaign version instead.
type Campaign struct {
	ID         uint   `gorm:"primaryKey"`
	Slug       string `gorm:"size:64;not null;index"`
	Version    int    `gorm:"not null;default:1"`
	Title      string `gorm:"not null"`
	Preamble   string `gorm:"not null"`
	Points     string `gorm:"not null"` // JSON array of strings
	Closing    string `gorm:"not null"`
	TitleEN    string
	PreambleEN string
	PointsEN   string // JSON array of strings
	ClosingEN  string
	Instansi   string         `gorm:"not null"`
	TextHash   string         `gorm:"size:64;not null"`
	Status     CampaignStatus `gorm:"size:16;not null;default:open"`
	OpensAt    *time.Time
	ClosesAt   *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// RequireCode makes signing need the access code as well as the
	// personal link, so that whoever holds only the links (a head) cannot
	// sign for anyone: the code reaches the person by a second channel.
	RequireCode bool `gorm:"not null;default:false"`
}

// Department is a unit kerja; ParentID makes the tree (Dinas → Bidang,
// Kemantren → Kelurahan) that completion rolls up through.
type Department struct {
	ID        uint   `gorm:"primaryKey"`
	Code      string `gorm:"size:64;not null;uniqueIndex"`
	Name      string `gorm:"size:200;not null;uniqueIndex"`
	ParentID  *uint  `gorm:"index"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ASN is one roster entry. Token and AccessCode are credentials handed to
// the person; NIP is public (printed on payslips) and never a secret.
type ASN struct {
	ID           uint   `gorm:"primaryKey"`
	NIP          string `gorm:"column:nip;size:18;not null;uniqueIndex"`
	Name         string `gorm:"size:200;not null"`
	Position     string `gorm:"size:200;not null"`
	DepartmentID uint   `gorm:"not null;index;index:idx_asns_dept_active,priority:1"`
	Kind         string `gorm:"size:8;not null"`
	Email        string `gorm:"size:200"`
	Phone        string `gorm:"size:32"`
	Active       bool   `gorm:"not null;default:true;index:idx_asns_dept_active,priority:2"`
	Token        string `gorm:"size:64;not null;uniqueIndex"`
	AccessCode   string `gorm:"size:8;not null"`
	CreatedAt    time.Time
	// UpdatedAt is indexed so completion can find the few entries changed
	// since a campaign began (see CompletionByDepartment).
	UpdatedAt time.Time `gorm:"index"`
}

// TableName keeps the table name readable ("asns" rather than "as_ns").
func (ASN) TableName() string { return "asns" }

// Signature is one ASN's acknowledgement of one campaign. The unique index
// on (asn_id, campaign_id) is what makes a second signature impossible,
// whatever the application does.
type Signature struct {
	ID           uint      `gorm:"primaryKey"`
	ASNID        uint      `gorm:"column:asn_id;not null"` // unique with CampaignID among live signatures: see liveSignatureIndexes
	CampaignID   uint      `gorm:"not null;index:idx_sig_campaign_dept,priority:1;index:idx_sig_campaign_time,priority:1"`
	DepartmentID uint      `gorm:"not null;index:idx_sig_campaign_dept,priority:2"` // copied at signing so dashboards need no join
	SignedAt     time.Time `gorm:"not null;index:idx_sig_campaign_time,priority:2"`
	TypedName    string    `gorm:"size:200;not null"`
	DrawnPNG     []byte
	IP           string `gorm:"size:64"`
	UserAgent    string `gorm:"size:512"`
	PledgeHash   string `gorm:"size:64;not null"`
	CertCode     string `gorm:"size:32;not null;uniqueIndex"`
	CertSHA256   string `gorm:"size:64"`
	Revoked      bool   `gorm:"not null;default:false"`
	// The person as they were when they signed: the roster row may later
	// be renamed, moved or deactivated, but the certificate, the verify
	// page and the audit digest speak of the signature, not of today's row.
	SignerNIP      string `gorm:"column:signer_nip;size:18;not null;default:''"`
	SignerName     string `gorm:"size:200;not null;default:''"`
	SignerPosition string `gorm:"size:200;not null;default:''"`
	// Who else was at the keyboard: the username of a staff session in the
	// browser that signed (a head signing for their staff), and a coarse
	// device key (user agent and network prefix) that groups signatures
	// made from one device. Neither blocks signing; both feed the review
	// of signatures that need a second look.
	StaffUser string `gorm:"size:64;not null;default:''"`
	DeviceKey string `gorm:"size:16;not null;default:''"`
}

// Certificate keeps the signed PDF bytes: re-signing would change them
// (the CMS signing time), so the first signed bytes are the certificate.
type Certificate struct {
	SignatureID uint   `gorm:"primaryKey;autoIncrement:false"`
	PDF         []byte `gorm:"not null"`
	SHA256      string `gorm:"size:64;not null"`
	// BaseURL is the public address the certificate's QR code and link
	// name: rendering the record again for a content check needs it, also
	// where the checking process runs with another --base-url (ikrar verify).
	BaseURL   string `gorm:"size:512"`
	CreatedAt time.Time
}

// User is a staff account: an admin, or a head bound to departments.
type User struct {
	ID           uint   `gorm:"primaryKey"`
	Username     string `gorm:"size:64;not null;uniqueIndex"`
	PasswordHash string `gorm:"not null"`
	Role         string `gorm:"size:16;not null"`
	Disabled     bool   `gorm:"not null;default:false"`
	// Email is where the daily digest and the "unit reached 100 %" message
	// go ("" : none); optional, set by an admin.
	Email string `gorm:"size:200;not null;default:''"`
	// Two-factor sign-in (RFC 6238): the base32 secret once confirmed (empty:
	// off), the last time step used (a code works once), and the SHA-256
	// hashes of the unused recovery codes, one per line.
	TOTPSecret    string `gorm:"size:64;not null;default:''"`
	TOTPLastStep  int64  `gorm:"not null;default:0"`
	RecoveryCodes string `gorm:"size:2048;not null;default:''"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// UserDepartment binds a head to a department (and its children).
type UserDepartment struct {
	UserID       uint `gorm:"primaryKey;autoIncrement:false"`
	DepartmentID uint `gorm:"primaryKey;autoIncrement:false"`
}

// Session is a staff login. Only the SHA-256 of the cookie token is stored,
// so a copy of the database does not hand out live sessions.
type Session struct {
	TokenHash string    `gorm:"primaryKey;size:64"`
	UserID    uint      `gorm:"not null;index"`
	ExpiresAt time.Time `gorm:"not null;index"`
	CreatedAt time.Time
}

// AuditEvent is one link of the append-only hash chain. ID is the sequence
// number and part of the hash, so a deleted or reordered row breaks it.
type AuditEvent struct {
	ID       uint      `gorm:"primaryKey;autoIncrement:false"`
	At       time.Time `gorm:"not null"`
	Actor    string    `gorm:"size:128;not null"`
	Action   string    `gorm:"size:64;not null;index"`
	Subject  string    `gorm:"size:128;not null"`
	Detail   string    `gorm:"not null"`
	PrevHash string    `gorm:"size:64;not null"`
	Hash     string    `gorm:"size:64;not null"`
}

// AuditHead anchors the end of the audit chain outside audit_events: a
// database trigger keeps it at the newest event, so deleting events from
// the end of the chain (which leaves every remaining link valid) is still
// detected.
type AuditHead struct {
	ID   uint   `gorm:"primaryKey;autoIncrement:false"`
	Seq  uint   `gorm:"not null"`
	Hash string `gorm:"size:64;not null"`
}

func allModels() []any {
	return []any{&Campaign{}, &Department{}, &ASN{}, &Signature{}, &Certificate{}, &User{}, &UserDepartment{}, &Session{}, &AuditEvent{}, &RateLimit{}, &AuditHead{}, &PendingUpload{}, &AuditCheckpoint{},
		&OutboxMessage{}, &EmailRefusal{}, &LinkOpen{}, &ReminderSchedule{}, &UnitCompletion{},
		&ServerSecret{}, &LoginFailure{},
		&CampaignClosing{}, &ClosedRosterEntry{}, &ClosedUnitCount{}, &SigningKey{}, &Setting{}, &ReplacedCertificate{},
		&APIToken{}, &APITokenDepartment{}, &APIIdempotency{},
		&WebhookSubscription{}, &WebhookEvent{}, &WebhookAttempt{}}
}
