package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func runSign(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sign", stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "base URL of the running ikrar server; several, comma-separated, share the visits (visit i goes to URL i mod n, its GET and POST both)")
	links := fs.String("links", "", "signing links CSV from `ikrar links export` (required)")
	conc := fs.Int("concurrency", 64, "concurrent simulated signers")
	dur := fs.Duration("duration", 0, "measured time after the warm-up (default 30s unless --requests)")
	reqs := fs.Int("requests", 0, "measured signatures (instead of --duration)")
	warm := fs.Duration("warmup", 5*time.Second, "warm-up time, not counted")
	skip := fs.Int("skip", 0, "skip the first N entries of the links file (already signed by an earlier run)")
	db := fs.String("db", "", "the server's database, a SQLite file or a postgres:// URL: count signatures and check every acknowledged one is stored (read-only)")
	timeout := fs.Duration("timeout", 30*time.Second, "per-request timeout")
	campaign := fs.String("campaign", "", "campaign id to sign (default: the server's newest open campaign)")
	progress := fs.Duration("progress", 5*time.Second, "print a progress line this often (0 = never)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *links == "" {
		return usageError{"--links is required"}
	}
	if *conc < 1 {
		return usageError{"--concurrency must be at least 1"}
	}
	if *dur > 0 && *reqs > 0 {
		return usageError{"give --duration or --requests, not both"}
	}
	if *dur == 0 && *reqs == 0 {
		*dur = 30 * time.Second
	}
	signers, err := readLinks(*links)
	if err != nil {
		return err
	}
	if *skip < 0 || *skip >= len(signers) {
		return usageError{fmt.Sprintf("--skip must be 0–%d", len(signers)-1)}
	}
	signers = signers[*skip:]

	var before int64 = -1
	if *db != "" {
		if before, err = countSignatures(ctx, *db); err != nil {
			return err
		}
	}
	client := newClient(*conc, *timeout)
	bases := splitURLs(*base)
	if len(bases) == 0 {
		return usageError{"--url is required"}
	}
	for _, b := range bases {
		if err := healthy(ctx, client, b); err != nil {
			return err
		}
	}
	v := &signVisitor{client: client, bases: bases, campaign: *campaign,
		entry: func(i int) signer { return signers[i] }}
	cfg := loadConfig{Concurrency: *conc, Warmup: *warm, Duration: *dur, Requests: *reqs, Entries: len(signers),
		Progress: stdout, ProgressInt: *progress}
	fmt.Fprintf(stdout, "ikrar-load: %d signers over %d roster entries (from entry %d) against %s\n", *conc, len(signers), *skip, strings.Join(bases, " and "))
	res := runLoad(ctx, cfg, v.visit)

	var ver verification
	if *db != "" {
		ver, err = verifyDB(context.WithoutCancel(ctx), *db, before, res.Acked)
	} else {
		ver, err = v.verifyHTTP(context.WithoutCancel(ctx), *conc, res.Acked)
	}
	if err != nil {
		return err
	}
	sum := printReport(stdout, "sign", cfg, res, &ver)
	printResultLine(stdout, sum)
	switch {
	case ver.Missing > 0:
		return fmt.Errorf("%d acknowledged signatures are not on disk", ver.Missing)
	case sum.Errors > 0:
		return fmt.Errorf("%d requests failed", sum.Errors)
	case res.Interrupt:
		return errors.New("interrupted")
	}
	return nil
}

// newClient reuses connections: every worker keeps its own keep-alive
// connection, as a browser would during one visit.
func newClient(conc int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * conc,
		MaxIdleConnsPerHost: 2 * conc,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func healthy(ctx context.Context, c *http.Client, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("bad --url: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("server at %s is not answering: %w", base, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server at %s: /healthz answered %s", base, resp.Status)
	}
	return nil
}

type signVisitor struct {
	client   *http.Client
	bases    []string // the servers; visit i goes to bases[i % len]
	entry    func(i int) signer
	campaign string
}

var (
	csrfMarker  = []byte(`name="_csrf" value="`)
	certMarker  = []byte(`id="cert-code">`)
	pointMarker = []byte(`name="point`)
)

// visit does what a browser does: GET the signing page (which sets the
// CSRF cookie and embeds the token), then POST the form with every point
// ticked and the roster name typed.
func (v *signVisitor) visit(ctx context.Context, buf *bytes.Buffer, i int) attempt {
	s := v.entry(i)
	base := v.base(i)
	page := base + "/sign/" + s.Token
	if v.campaign != "" {
		page += "?campaign=" + url.QueryEscape(v.campaign)
	}
	var a attempt
	t0 := time.Now()
	status, cookies, err := do(ctx, v.client, http.MethodGet, page, nil, "", buf)
	a.get = time.Since(t0)
	if err != nil {
		return fail(a, "get: "+classify(err), err.Error())
	}
	if status != http.StatusOK {
		return fail(a, "get: HTTP "+strconv.Itoa(status), snippet(buf.Bytes()))
	}
	body := buf.Bytes()
	if bytes.Contains(body, certMarker) {
		return fail(a, "get: already signed", "entry "+strconv.Itoa(i)+" was signed before this run; use --skip")
	}
	token := between(body, csrfMarker, '"')
	if token == "" {
		return fail(a, "get: no CSRF token", snippet(body))
	}
	var cookie string
	for _, c := range cookies {
		if c.Name == "_csrf" {
			cookie = c.Name + "=" + c.Value
		}
	}
	form := url.Values{"_csrf": {token}, "name": {s.Name}}
	if v.campaign != "" {
		form.Set("campaign", v.campaign)
	}
	for _, p := range pointNames(body) {
		form.Set(p, "on")
	}
	t1 := time.Now()
	status, _, err = do(ctx, v.client, http.MethodPost, base+"/sign/"+s.Token, strings.NewReader(form.Encode()), cookie, buf)
	a.post = time.Since(t1)
	if err != nil {
		return fail(a, "post: "+classify(err), err.Error())
	}
	if status != http.StatusOK {
		return fail(a, "post: HTTP "+strconv.Itoa(status), snippet(buf.Bytes()))
	}
	a.code = between(buf.Bytes(), certMarker, '<')
	if !strings.HasPrefix(a.code, "IKR-") {
		return fail(a, "post: no certificate code", snippet(buf.Bytes()))
	}
	return a
}

// base is the server that roster entry i's visit goes to.
func (v *signVisitor) base(i int) string { return v.bases[i%len(v.bases)] }

// splitURLs splits a comma-separated --url into base URLs without a
// trailing slash.
func splitURLs(s string) []string {
	var out []string
	for _, u := range strings.Split(s, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// do sends one request and reads the whole body into buf.
func do(ctx context.Context, c *http.Client, method, u string, body io.Reader, cookie string, buf *bytes.Buffer) (int, []*http.Cookie, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("User-Agent", "ikrar-load/1 (simulated signer)")
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, resp.Cookies(), nil
}

func fail(a attempt, kind, detail string) attempt {
	a.errKind, a.errDetail = kind, detail
	return a
}

func classify(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	return "transport error"
}

// between returns the text after marker up to end, or "".
func between(b, marker []byte, end byte) string {
	i := bytes.Index(b, marker)
	if i < 0 {
		return ""
	}
	rest := b[i+len(marker):]
	j := bytes.IndexByte(rest, end)
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// pointNames finds the checkbox names (point1, point2, …) in the form, so
// the tool follows however many points the campaign has.
func pointNames(b []byte) []string {
	var out []string
	for {
		i := bytes.Index(b, pointMarker)
		if i < 0 {
			return out
		}
		b = b[i+len(`name="`):]
		j := bytes.IndexByte(b, '"')
		if j < 0 {
			return out
		}
		out = append(out, string(b[:j]))
		b = b[j:]
	}
}

func snippet(b []byte) string {
	s := string(b)
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	return oneLine(s)
}
