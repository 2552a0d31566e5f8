package web

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/plantgw/plantgw/record"
)

// updatePageImages writes the screenshots of the browser test to the
// installer guide's images, docs/images/local-page-{zh,en}.png.
var updatePageImages = flag.Bool("update-page-images", false, "write the page screenshots to docs/images")

// chromiumPath returns Debian's chromium. Without it the test skips,
// except under CI, which must run it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("chromium is not installed, and CI must run the page test: apt-get install chromium (%v)", err)
	}
	t.Skipf("chromium is not installed; install it with apt-get install chromium to run the page test (%v)", err)
	return ""
}

// browser starts a headless chromium with a window of width x height
// pixels and returns a tab; both end with the test.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.WindowSize(width, height), chromedp.Flag("lang", "zh-CN"))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	timed, cancelTimed := context.WithTimeout(tab, 50*time.Second)
	t.Cleanup(func() {
		cancelTimed()
		cancelTab()
		cancelAlloc()
	})
	return timed
}

// commissioningPlant fills the fake with a small plant in mid-commissioning:
// an alarm, a fault, an out-of-range reading, a contact, a point never
// read, and a backlog draining to a disconnected platform.
func commissioningPlant(p *fakePlant) {
	gas, pressure, on := 12.5, 0.42, true
	p.update(func(st *Status) {
		st.Points = []PointStatus{
			{ID: "GT-101", Unit: "%LEL", Value: &gas, Quality: "good"},
			{ID: "GT-102", Unit: "%LEL", Value: ptr(104.0), Quality: "uncertain"},
			{ID: "PT-201", Unit: "MPa", Quality: "bad", Fault: true},
			{ID: "PT-202", Unit: "MPa", Value: &pressure, Quality: "good"},
			{ID: "LS-301", Bool: &on, Quality: "good"},
			{ID: "TT-401", Unit: "°C", Quality: "none"},
		}
		st.Alarms = []AlarmStatus{{Point: "GT-101", Level: "al2", Priority: 1, Active: true}}
		st.Interlocks = []InterlockStatus{{Name: "gas-shutoff", Tripped: true}}
		st.Devices = DeviceSummary{Total: 3, Lost: 1}
		st.Buffer = BufferStatus{LastSeq: 48211, Pending: map[string]int{"events": 40, "telemetry": 3960}}
		st.Uplink = UplinkStatus{LastError: "dial tcp: connection refused", SentRecords: 1200}
	})
}

func ptr[T any](v T) *T { return &v }

// pageFaults collects the page's uncaught exceptions and the policy
// violations the browser reports, until the tab closes.
type pageFaults struct {
	mu     sync.Mutex
	faults []string
	done   chan struct{}
}

func watchConsole(t *testing.T, ctx context.Context) *pageFaults {
	t.Helper()
	pf := &pageFaults{done: make(chan struct{})}
	watchCtx, stop := context.WithCancel(ctx)
	messages := chromedp.Console(watchCtx)
	go func() {
		defer close(pf.done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				pf.mu.Lock()
				pf.faults = append(pf.faults, m.String())
				pf.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		stop()
		<-pf.done
	})
	return pf
}

func (pf *pageFaults) list() []string {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	return slices.Clone(pf.faults)
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// waitText waits until the text of the element at selector contains want.
func waitText(t *testing.T, ctx context.Context, selector, want string) {
	t.Helper()
	expr := "(document.querySelector(" + jsString(selector) + ")?.textContent ?? '').includes(" + jsString(want) + ")"
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.querySelector("+jsString(selector)+")?.textContent ?? 'no element'"))
		t.Fatalf("%s never contained %q: %v; it shows %q", selector, want, err, text)
	}
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s: %d bytes", path, len(png))
	if *updatePageImages {
		if err := os.WriteFile(filepath.Join("..", "docs", "images", name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPageInChromium(t *testing.T) {
	start := time.Now()
	// The rig first, so that its server closes after the browser, whose
	// open stream would hold it.
	rg := newRig(t)
	commissioningPlant(rg.plant)
	ctx := browser(t, 1280, 1000)
	console := watchConsole(t, ctx)

	// First setup with the token, as an installer at the maintenance port.
	do(t, ctx, "open the page", chromedp.Navigate(rg.http.URL), chromedp.WaitVisible(chromedp.CSS("#setup-form")))
	waitText(t, ctx, "#setup-form h2", "创建安装人员账户")
	do(t, ctx, "fill the setup form",
		chromedp.SendKeys(chromedp.CSS(`#setup-form [name=token]`), rg.setupToken()),
		chromedp.SendKeys(chromedp.CSS(`#setup-form [name=user]`), "zhang"),
		chromedp.SendKeys(chromedp.CSS(`#setup-form [name=password]`), installerPassword),
		chromedp.SendKeys(chromedp.CSS(`#setup-form [name=confirm]`), installerPassword),
		chromedp.Click(chromedp.CSS(`#setup-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#app")))
	waitText(t, ctx, "#who", "zhang (安装人员)")

	// Live values follow the plant.
	waitText(t, ctx, `[data-point="GT-101"] .value`, "12.5")
	rg.plant.update(func(st *Status) { st.Points[0].Value = ptr(37.0) })
	waitText(t, ctx, `[data-point="GT-101"] .value`, "37")
	if class, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-point="GT-101"]').className`)); !strings.Contains(class, "state-alarm") {
		t.Errorf("GT-101 tile class %q, want state-alarm", class)
	}
	if class, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-point="PT-201"]').className`)); !strings.Contains(class, "state-fault") {
		t.Errorf("PT-201 tile class %q, want state-fault", class)
	}

	// The backlog drains while the page is open.
	rg.plant.update(func(st *Status) { st.Buffer.Pending = map[string]int{"events": 0, "telemetry": 1000} })
	waitText(t, ctx, "#uplink", "已上传积压 3000 / 4000 条 (75%)")

	// A live event goes on top of the stored ones.
	waitText(t, ctx, "#events", "网关启动")
	rg.srv.Publish(record.Event{Kind: record.CommLost, Device: "PT-201", Time: rg.clock.now(), Text: "PT-201 no reply"})
	waitText(t, ctx, "#events li:first-child", "通讯中断")

	// The trend of the first point is drawn.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#trend path.line')?.getAttribute('d')?.length > 100`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("trend line not drawn: %v", err)
	}

	// Acknowledge the alarm.
	do(t, ctx, "acknowledge", chromedp.Click(chromedp.CSS("#ack")))
	waitText(t, ctx, "#action-msg", "已确认全部报警")
	if !slices.Contains(rg.plant.actionList(), "ack zhang") {
		t.Fatalf("the plant did not receive the acknowledgement: %v", rg.plant.actionList())
	}
	waitText(t, ctx, "#alarms", "已确认")

	// A bypass without a reason gets the gateway's message in Chinese.
	do(t, ctx, "submit a bypass without reason", chromedp.Click(chromedp.CSS(`#bypass-form button[type=submit]`)))
	waitText(t, ctx, "#bypass-msg", "旁路必须填写原因")

	heading, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("h1")))
	if err != nil || heading != "plantgw 本地调试页面" {
		t.Errorf("Chinese heading %q, %v", heading, err)
	}
	do(t, ctx, "scroll to the top", chromedp.Evaluate[chromedp.Void]("window.scrollTo(0, 0)"))
	screenshot(t, ctx, "local-page-zh.png")

	// Switch to English, on a phone-sized screen.
	do(t, ctx, "switch to English", chromedp.Click(chromedp.CSS("#lang")))
	waitText(t, ctx, "h1", "plantgw local commissioning page")
	waitText(t, ctx, `[data-point="GT-101"] .state`, "Alarm")
	if lang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem('plantgw.lang')`)); lang != "en" {
		t.Errorf("stored language %q, want en", lang)
	}
	do(t, ctx, "submit a bypass without reason in English", chromedp.Click(chromedp.CSS(`#bypass-form button[type=submit]`)))
	waitText(t, ctx, "#bypass-msg", "a bypass needs a reason")

	do(t, ctx, "reload on a phone", chromedp.EmulateViewport(412, 915), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#app")))
	waitText(t, ctx, "h1", "plantgw local commissioning page")
	waitText(t, ctx, `[data-point="GT-101"] .value`, "37")
	do(t, ctx, "scroll to the top", chromedp.Evaluate[chromedp.Void]("window.scrollTo(0, 0)"))
	screenshot(t, ctx, "local-page-en.png")

	if faults := console.list(); len(faults) > 0 {
		t.Errorf("the page threw or broke its policy:\n%s", strings.Join(faults, "\n"))
	}
	if took := time.Since(start); took > 60*time.Second {
		t.Errorf("browser test took %v, over its 60 s budget", took)
	}
}
