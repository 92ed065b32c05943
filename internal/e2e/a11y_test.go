package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// axePath is where .ci/run installs axe-core with `npm ci` (the version is
// pinned in testdata/axe/package-lock.json). IKRAR_AXE may name another
// copy of axe.min.js.
func axeSource(t *testing.T) string {
	t.Helper()
	p := os.Getenv("IKRAR_AXE")
	if p == "" {
		p = filepath.Join(moduleRoot, "internal", "e2e", "testdata", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is required in CI but %s is missing (%v); .ci/run installs it", p, err)
		}
		t.Skipf("skipping the accessibility test: axe-core not found (%v); run `npm ci --prefix internal/e2e/testdata/axe`", err)
	}
	return string(b)
}

// printCheck looks at the open page as a printer sees it: the content
// (what) printed, within the page's width, without the header's
// navigation, forms, buttons or the footer.
const printCheck = `(() => {
  const out = [];
  const shown = e => e && getComputedStyle(e).display !== "none" && e.getClientRects().length > 0;
  for (const sel of [".top nav", "main form", "main .actions", ".foot", ".skip"]) {
    for (const e of document.querySelectorAll(sel)) if (shown(e)) out.push(sel + " is printed");
  }
  if (!shown(document.querySelector(%q))) out.push(%q + " is not printed");
  if (document.documentElement.scrollWidth > window.innerWidth) out.push("the printout is wider than the page");
  return JSON.stringify(out);
})()`

// checkPrint applies the print media type to the open page, checks it and
// returns to the screen.
func (b *browser) checkPrint(label, what string) {
	b.t.Helper()
	media := func(m string) {
		if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
			b.t.Fatalf("media %q: %v", m, err)
		}
	}
	media("print")
	defer media("")
	var problems []string
	if err := json.Unmarshal([]byte(b.eval("print "+label, fmt.Sprintf(printCheck, what, what))), &problems); err != nil {
		b.t.Fatalf("print %s: %v", label, err)
	}
	for _, p := range problems {
		b.t.Errorf("%s printed: %s", label, p)
	}
}

// axeAllowed reads testdata/axe-allow.txt: one "rule-id  reason" per line
// for a moderate violation the project accepts. A line without a reason is
// an error: an exception nobody can explain is not one.
func axeAllowed(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(moduleRoot, "internal", "e2e", "testdata", "axe-allow.txt"))
	if err != nil {
		t.Fatalf("allow-list: %v", err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rule, reason, _ := strings.Cut(line, " ")
		if strings.TrimSpace(reason) == "" {
			t.Fatalf("axe-allow.txt line %d: rule %q has no reason", n, rule)
		}
		out[rule] = strings.TrimSpace(reason)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("allow-list: %v", err)
	}
	return out
}

// browser is one headless Chromium driven by chromedp, with the flags this
// machine needs (see /usr/bin/chromium notes in browser_test.go).
type browser struct {
	t   *testing.T
	ctx context.Context

	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T, bound time.Duration) *browser {
	t.Helper()
	ctx, cancelBound := context.WithTimeout(context.Background(), bound)
	t.Cleanup(cancelBound)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
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
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: bctx}
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[chromedp.Void](`1`)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return b
}

func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) eval(what, js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// screen is one screen size the pages are checked at.
type screen struct {
	Name          string
	Width, Height int64
	Phone         bool
}

// The phone is the narrowest one people use (320 CSS pixels is also what a
// 1280-pixel desktop shows at 400 % zoom, the WCAG reflow case).
var screens = []screen{
	{Name: "phone", Width: 320, Height: 640, Phone: true},
	{Name: "desktop", Width: 1280, Height: 900},
}

func (b *browser) size(s screen) {
	b.t.Helper()
	if s.Phone {
		b.do("phone screen", chromedp.EmulateViewport(s.Width, s.Height, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	} else {
		b.do("desktop screen", chromedp.EmulateViewport(s.Width, s.Height))
	}
}

// axeResult is the part of axe-core's report the test reads.
type axeResult struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs axe-core on the open page for WCAG 2.2 A/AA and the
// best-practice rules.
const axeRun = `(async () => {
  const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa","best-practice"]}, resultTypes: ["violations"]});
  return JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n").slice(0, 2).join(" "))})));
})()`

// layoutChecks measures what axe does not: sideways scrolling and, on a
// phone, touch targets of at least 44×44 CSS pixels (a link inside a
// sentence is exempt, as WCAG 2.5.8 exempts it; a checkbox counts by its
// label, which is what a finger presses).
const layoutChecks = `(() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll("main *, header *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""));
    out.push("scrolls sideways: " + doc.scrollWidth + "px on a " + window.innerWidth + "px screen (" + wide.join(", ") + ")");
  }
  if (%t) {
    for (const el of document.querySelectorAll("main a, main button, main select, main input, main textarea, main summary, header a, header button")) {
      if (el.type === "hidden" || el.closest("[hidden]")) continue;
      let box = el;
      if (el.type === "checkbox" || el.type === "radio") { box = el.closest("label"); if (!box) { out.push("checkbox without a label"); continue; } }
      const r = box.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (el.tagName === "A" && getComputedStyle(el).display === "inline") {
        const p = el.parentElement.closest("p, li, dd, td");
        if (p && p.tagName === "P" && p.textContent.replace(el.textContent, "").trim().length > 20) continue;
      }
      if (r.height < 43.5 || r.width < 43.5) {
        out.push("touch target " + Math.round(r.width) + "×" + Math.round(r.height) + "px: <" + el.tagName.toLowerCase() + "> " + (el.textContent || el.name || "").trim().slice(0, 40));
      }
    }
  }
  return JSON.stringify(out);
})()`

// checkPage runs axe and the layout checks on whatever page is open.
func (b *browser) checkPage(label string, s screen, allowed map[string]string) {
	b.t.Helper()
	if b.eval("axe loaded?", `typeof axe`) == "undefined" {
		b.do("load axe-core into "+label, chromedp.Evaluate[chromedp.Void](axeSource(b.t)))
	}
	raw := b.eval("axe on "+label, axeRun)
	var vs []axeResult
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe on %s: %v (%.300s)", label, err, raw)
	}
	for _, v := range vs {
		switch {
		case v.Impact == "serious" || v.Impact == "critical":
			b.t.Errorf("%s (%s): axe %s violation %s: %s\n    %s", label, s.Name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n    "))
		case v.Impact == "moderate" && allowed[v.ID] == "":
			b.t.Errorf("%s (%s): axe moderate violation %s (not in testdata/axe-allow.txt): %s\n    %s", label, s.Name, v.ID, v.Help, strings.Join(v.Nodes, "\n    "))
		default:
			b.t.Logf("%s (%s): axe %s %s accepted: %s", label, s.Name, v.Impact, v.ID, v.Help)
		}
	}
	var problems []string
	if err := json.Unmarshal([]byte(b.eval("layout of "+label, fmt.Sprintf(layoutChecks, s.Phone))), &problems); err != nil {
		b.t.Fatalf("layout of %s: %v", label, err)
	}
	for _, p := range problems {
		b.t.Errorf("%s (%s): %s", label, s.Name, p)
	}
	// IKRAR_A11Y_SHOTS=folder keeps a picture of every checked page, to
	// look at them as people will.
	if dir := os.Getenv("IKRAR_A11Y_SHOTS"); dir != "" {
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("screenshot %s: %v", label, err)
		}
		name := strings.ReplaceAll(label, " ", "-") + "-" + s.Name + ".png"
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			b.t.Fatalf("save screenshot: %v", err)
		}
	}
}

var (
	demoAdminLine = regexp.MustCompile(`^\s+admin:\s+(\S+) / (\S+)`)
	demoHeadLine  = regexp.MustCompile(`^\s+head:\s+(\S+) / (\S+)\s+\(department (\S+)\)`)
)

// demoStaff reads the admin's and the head's logins from the demo banner.
func demoStaff(t *testing.T, banner []string) (admin, head [2]string, headDept string) {
	t.Helper()
	for _, l := range banner {
		if m := demoAdminLine.FindStringSubmatch(l); m != nil {
			admin = [2]string{m[1], m[2]}
		}
		if m := demoHeadLine.FindStringSubmatch(l); m != nil {
			head, headDept = [2]string{m[1], m[2]}, m[3]
		}
	}
	if admin[0] == "" || head[0] == "" {
		t.Fatalf("demo banner names no admin or head:\n%s", strings.Join(banner, "\n"))
	}
	return admin, head, headDept
}

// login signs in through the login form, typing like a person.
func (b *browser) login(base string, who [2]string) {
	b.t.Helper()
	b.clearCookies()
	b.do("log in as "+who[0],
		chromedp.Navigate(base+"/login?next=/dashboard"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), who[0]),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), who[1]),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
	)
	b.waitLeave("/login")
	b.do("wait for the dashboard", chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if u := b.eval("where login led", `location.pathname`); u != "/dashboard" {
		b.t.Fatalf("after logging in as %s the browser is on %s, want /dashboard: %.400s", who[0], u, b.eval("page text", `document.body.innerText`))
	}
}

// waitLeave waits until the browser has left the page at path (a form
// submission navigates asynchronously).
func (b *browser) waitLeave(path string) {
	b.t.Helper()
	for i := 0; i < 300; i++ {
		if b.eval("where am I", `document.readyState === "complete" ? location.pathname : ""`) != path {
			if b.eval("loaded?", `document.readyState`) == "complete" {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("the browser stayed on %s", path)
}

// clearCookies logs out and forgets the language and CSRF cookies.
func (b *browser) clearCookies() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatalf("clear cookies: %v", err)
	}
}

// open loads a page and waits for its main heading.
func (b *browser) open(url string) {
	b.t.Helper()
	b.do("open "+url, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
}

// TestAccessibility runs axe-core on every page of the three journeys
// (signer, head of unit, admin) on a phone and a desktop screen, and fails
// on any serious or critical violation, on a moderate one not allowed with
// a reason in testdata/axe-allow.txt, on a page that scrolls sideways and
// on a phone touch target smaller than 44×44 pixels. The receipt, the
// dashboard and the unit page are also checked as printed.
func TestAccessibility(t *testing.T) {
	requireChromium(t)
	axeSource(t) // skips or fails before starting anything without axe-core
	allowed := axeAllowed(t)
	srv := startServer(t, filepath.Join(t.TempDir(), "data"), "--demo")
	links := demoLinks(t, srv.Banner)
	if len(links) < 2 {
		t.Fatalf("the demo printed %d signing links, want 2", len(links))
	}
	admin, head, headDept := demoStaff(t, srv.Banner)
	b := newBrowser(t, 8*time.Minute)

	for i, s := range screens {
		b.size(s)
		// The signer's journey: home, the code entry, the signing page, a
		// wrong link, then signing and the receipt and verification pages.
		link := links[i]
		for _, p := range []struct{ label, path string }{
			{"home", "/"},
			{"sign entry", "/sign"},
			{"signing page", strings.TrimPrefix(link.URL, srv.Base)},
			{"verify form", "/verify"},
			{"not found", "/no-such-page"},
		} {
			b.open(srv.Base + p.path)
			b.checkPage(p.label, s, allowed)
		}
		b.open(link.URL)
		for j := 1; j <= 4; j++ {
			b.do("tick a point", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="point%d"]`, j))))
		}
		b.do("sign",
			chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), bareName(link.Name)),
			chromedp.Click(chromedp.CSS(`#sign-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("cert-code")),
		)
		b.checkPage("receipt", s, allowed)
		if !s.Phone {
			b.checkPrint("receipt", "#cert-code")
		}
		code := strings.TrimSpace(b.eval("certificate code", `document.getElementById("cert-code").textContent`))
		b.open(srv.Base + "/verify/" + code)
		b.checkPage("verification result", s, allowed)

		// The head of unit's journey.
		b.clearCookies()
		b.open(srv.Base + "/login")
		b.checkPage("login", s, allowed)
		b.login(srv.Base, head)
		b.checkPage("head dashboard", s, allowed)
		if !s.Phone {
			b.checkPrint("head dashboard", "table.completion")
		}
		b.open(srv.Base + "/dashboard/departments/" + headDept)
		b.checkPage("unit page", s, allowed)
		if !s.Phone {
			b.checkPrint("unit page", ".roster")
		}
		b.open(srv.Base + "/dashboard/review")
		b.checkPage("signature review", s, allowed)
		b.open(srv.Base + "/dashboard/departments/" + headDept + "/messages?kind=reminder")
		b.checkPage("remind a unit", s, allowed)
		b.open(srv.Base + "/dashboard/departments/" + headDept + "/whatsapp")
		b.checkPage("WhatsApp group text", s, allowed)

		// The admin's journey.
		b.login(srv.Base, admin)
		b.checkPage("admin dashboard", s, allowed)
		for _, p := range []struct{ label, path string }{
			{"admin overview", "/admin"},
			{"roster import", "/admin/roster"},
			{"units import", "/admin/roster/units"},
			{"outbox", "/admin/outbox"},
			{"campaigns", "/admin/campaigns"},
			{"departments", "/admin/departments"},
			{"department edit", "/admin/departments/" + headDept},
			{"users", "/admin/users"},
			{"exports", "/admin/exports"},
			{"two-step verification setup", "/account/2fa"},
			{"audit log", "/admin/audit"},
			{"API tokens", "/admin/tokens"},
			{"webhooks", "/admin/webhooks"},
		} {
			b.open(srv.Base + p.path)
			b.checkPage(p.label, s, allowed)
		}
		b.open(srv.Base + "/admin/campaigns")
		edit := b.eval("find a campaign to edit", `(document.querySelector('a[href$="/edit"]') || {}).href || ""`)
		if edit == "" {
			t.Fatalf("the campaigns page links no campaign to edit")
		}
		b.open(edit)
		b.checkPage("campaign edit", s, allowed)
		b.clearCookies()

		// The English pages, where the language switch and any
		// Indonesian left in them must be marked up right.
		for _, p := range []struct{ label, path string }{
			{"home in English", "/?lang=en"},
			{"signing page in English", strings.TrimPrefix(links[len(links)-1].URL, srv.Base) + "?lang=en"},
			{"receipt in English", strings.TrimPrefix(link.URL, srv.Base) + "?lang=en"},
			{"not found in English", "/no-such-page?lang=en"},
		} {
			b.open(srv.Base + p.path)
			if lang := b.eval("page language", `document.documentElement.lang`); lang != "en" {
				t.Errorf("%s: <html lang=%q>, want en", p.label, lang)
			}
			b.checkPage(p.label, s, allowed)
		}
		b.clearCookies()
	}
}
