package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// requireChromium skips when Chromium is absent on a developer machine and
// fails in CI, where .ci/run installs it: a silently skipped browser test
// would prove nothing.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium is required in CI but %s is missing (%v); .ci/run installs it", chromiumPath, err)
		}
		t.Skipf("skipping the browser journey: Chromium not found at %s (%v); install the Debian package chromium to run it", chromiumPath, err)
	}
}

// screenshotDir is docs/screenshots when IKRAR_SCREENSHOTS=1 (to refresh
// the README pictures), and a temporary folder otherwise so that test runs
// never dirty the working tree.
func screenshotDir(t *testing.T) string {
	t.Helper()
	if os.Getenv("IKRAR_SCREENSHOTS") != "1" {
		return t.TempDir()
	}
	dir := filepath.Join(moduleRoot, "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot folder: %v", err)
	}
	return dir
}

// demoLink is one signing link that `ikrar serve --demo` prints.
type demoLink struct {
	URL, Name, NIP, Code string
}

var demoLinkLine = regexp.MustCompile(`^\s+(http://\S+/sign/\S+)\s+\((.+), NIP (\d{18}), kode akses ([A-Z0-9]+)\)$`)

func demoLinks(t *testing.T, banner []string) []demoLink {
	t.Helper()
	var out []demoLink
	for _, line := range banner {
		if m := demoLinkLine.FindStringSubmatch(line); m != nil {
			out = append(out, demoLink{URL: m[1], Name: m[2], NIP: m[3], Code: m[4]})
		}
	}
	if len(out) == 0 {
		t.Fatalf("ikrar serve --demo printed no signing links:\n%s", strings.Join(banner, "\n"))
	}
	return out
}

// bareName is what a person types: the roster name without the degrees
// after the comma and the titles before the name.
func bareName(name string) string {
	if i := strings.IndexByte(name, ','); i >= 0 {
		name = name[:i]
	}
	words := strings.Fields(name)
	for len(words) > 1 && strings.HasSuffix(words[0], ".") {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// leftHeld marks a mouse move made with the left button down, so the page
// sees a drag rather than a hover.
func leftHeld(p *input.DispatchMouseEventParams) { p.Buttons = 1 }

// TestBrowserSigningJourney walks the signing journey in headless Chromium
// on an iPhone-sized screen (390×844): open a personal link, tick the four
// points, type the name, draw a signature, sign, and read the receipt.
func TestBrowserSigningJourney(t *testing.T) {
	requireChromium(t)
	srv := startServer(t, filepath.Join(t.TempDir(), "data"), "--demo")
	link := demoLinks(t, srv.Banner)[0]
	typed := bareName(link.Name)
	shots := screenshotDir(t)

	// The whole browser session is bounded; the allocator context owns the
	// Chromium process, so its deadline ends the browser too.
	bound, cancelBound := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancelBound()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(bound,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()

	// Script errors and console errors (a CSP violation shows up there) are
	// bugs even when the journey completes.
	var mu sync.Mutex
	var pageErrors []string
	if err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = "exception: " + e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				msg = fmt.Sprintf("console %s: %s (%s)", e.Entry.Source, e.Entry.Text, e.Entry.URL)
			}
		}
		if msg != "" {
			mu.Lock()
			pageErrors = append(pageErrors, msg)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}

	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
		defer scancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(what, js string) string {
		t.Helper()
		sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
		defer scancel()
		v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	shoot := func(name string) {
		t.Helper()
		sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
		defer scancel()
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatalf("save screenshot: %v", err)
		}
	}
	// A phone page must not scroll sideways: that is the usual way a layout
	// breaks on a 390-pixel screen.
	noSidewaysScroll := func(page string) {
		t.Helper()
		got := eval("measure "+page, `document.documentElement.scrollWidth + "/" + window.innerWidth`)
		var scroll, inner int
		if _, err := fmt.Sscanf(got, "%d/%d", &scroll, &inner); err != nil {
			t.Fatalf("measure %s: %q", page, got)
		}
		if scroll > inner {
			t.Errorf("%s is %dpx wide on a %dpx phone screen: it scrolls sideways", page, scroll, inner)
		}
	}

	step("open the signing link",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(link.URL),
		chromedp.WaitVisible(chromedp.CSS("#sign-form")),
	)
	noSidewaysScroll("the signing page")
	for i := 1; i <= 4; i++ {
		step(fmt.Sprintf("tick point %d", i), chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="point%d"]`, i))))
	}
	step("type the name", chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), typed))
	if got := eval("read the ticks", `[1,2,3,4].map(i => document.querySelector('input[name="point'+i+'"]').checked).join()`); got != "true,true,true,true" {
		t.Fatalf("checkboxes after clicking: %s, want all ticked", got)
	}

	// sign.js reveals the drawing box; draw a stroke with real mouse events
	// (pointer events reach the canvas as they do from a finger or a mouse).
	step("show the canvas", chromedp.WaitVisible(chromedp.CSS("[data-draw] canvas")), chromedp.ScrollIntoView(chromedp.CSS("[data-draw] canvas")))
	box := eval("locate the canvas", `(() => { const r = document.querySelector("[data-draw] canvas").getBoundingClientRect(); return [r.left, r.top, r.width, r.height].join(" ") })()`)
	var left, top, width, height float64
	if _, err := fmt.Sscanf(box, "%f %f %f %f", &left, &top, &width, &height); err != nil || width < 50 || height < 20 {
		t.Fatalf("canvas box %q (%v): too small to draw on", box, err)
	}
	if left+width > 390 {
		t.Errorf("the signature canvas reaches %.0fpx, past the 390px screen", left+width)
	}
	stroke := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(chromedp.MousePressed, left+width*0.1, top+height*0.6, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	}
	for i := 1; i <= 12; i++ {
		x := left + width*(0.1+0.065*float64(i))
		y := top + height*(0.6-0.3*float64(i%2))
		stroke = append(stroke, chromedp.MouseEvent(chromedp.MouseMoved, x, y, chromedp.ButtonLeft, leftHeld))
	}
	stroke = append(stroke, chromedp.MouseEvent(chromedp.MouseReleased, left+width*0.9, top+height*0.5, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	step("draw a signature", stroke...)
	if got := eval("read the drawing field", `document.querySelector('input[name="drawing"]').value.slice(0, 22)`); got != "data:image/png;base64," {
		t.Fatalf("after drawing, the hidden drawing field starts %q, want a PNG data URL", got)
	}
	step("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	shoot("sign-phone.png")

	step("sign", chromedp.Click(chromedp.CSS(`#sign-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("cert-code")))
	code := strings.TrimSpace(eval("read the certificate code", `document.getElementById("cert-code").textContent`))
	if !regexp.MustCompile(`^IKR-[A-Z0-9-]+$`).MatchString(code) {
		t.Fatalf("receipt shows certificate code %q, want IKR-…", code)
	}
	noSidewaysScroll("the receipt")
	shoot("receipt-phone.png")

	step("open the verification page", chromedp.Navigate(srv.Base+"/verify/"+code), chromedp.WaitVisible(chromedp.CSS("body")))
	if body := eval("read the verification page", `document.body.innerText`); !strings.Contains(body, code) {
		t.Errorf("/verify/%s does not show the code: %s", code, tail(body, 500))
	}
	noSidewaysScroll("the verification page")
	shoot("verify-phone.png")
	step("open the home page", chromedp.Navigate(srv.Base+"/"), chromedp.WaitVisible(chromedp.CSS("body")))
	noSidewaysScroll("the home page")
	shoot("home-phone.png")

	mu.Lock()
	for _, e := range pageErrors {
		t.Errorf("browser reported %s", e)
	}
	mu.Unlock()

	// The signature landed with the drawing, and its certificate downloads
	// over plain HTTP (a browser download would only prove less).
	db := openReadOnly(t, filepath.Join(srv.Data, "ikrar.db"))
	var nip, name string
	var drawn int
	err := db.QueryRow(`SELECT a.nip, s.typed_name, length(s.drawn_png) FROM signatures s JOIN asns a ON a.id = s.asn_id WHERE s.cert_code = ?`, code).Scan(&nip, &name, &drawn)
	if err != nil {
		t.Fatalf("signature %s not in the database: %v", code, err)
	}
	if nip != link.NIP || name != typed || drawn == 0 {
		t.Errorf("stored signature: NIP %s, typed %q, drawing %d bytes; want NIP %s, typed %q and a drawing", nip, name, drawn, link.NIP, typed)
	}
	pdf := get(t, http.DefaultClient, link.URL+"/certificate.pdf", http.StatusOK)
	if !strings.HasPrefix(string(pdf[:min(len(pdf), 5)]), "%PDF-") {
		t.Fatalf("certificate does not start with %%PDF-: %q", pdf[:min(len(pdf), 16)])
	}
	t.Logf("signed as %q (%s), certificate %s of %d bytes; screenshots in %s", typed, link.NIP, code, len(pdf), shots)
}
