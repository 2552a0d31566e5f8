package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Languages of --lang. The English text is the catalog key itself.
const (
	langChinese = "zh-CN"
	langEnglish = "en"
)

var (
	tagChinese = language.MustParse(langChinese)
	tagEnglish = language.English
)

// chineseMessages translates every text that a user reads on the terminal.
var chineseMessages = map[string]string{
	// Command line.
	"unknown scenario %q in --scenario: write a comma-separated list of %s":                                      "--scenario 中的场景 %q 不存在：请写以逗号分隔的场景名，可选 %s",
	"cannot read scenario file %s: %v":                                                                           "无法读取场景文件 %s：%v",
	`invalid scenario file %s: %v. Write a JSON list such as [{"name": "leak", "seconds": 45}]`:                  `场景文件 %s 无效：%v。请写成 JSON 列表，例如 [{"name": "leak", "seconds": 45}]`,
	`scenario file %s has no steps: write a JSON list such as [{"name": "leak", "seconds": 45}]`:                 `场景文件 %s 没有任何步骤：请写成 JSON 列表，例如 [{"name": "leak", "seconds": 45}]`,
	"step %d of scenario file %s has unknown scenario %q: use one of %s":                                         "第 %d 步（场景文件 %s）的场景 %q 不存在：可选 %s",
	"step %d of scenario file %s has invalid seconds %v: write 0 or more (0 uses the scenario's default length)": "第 %d 步（场景文件 %s）的 seconds 值 %v 无效：请写 0 或更大的数（0 表示使用该场景的默认时长）",
	"invalid --speed value %q: write a number greater than 0 and at most 100, e.g. --speed 2":                    "--speed 的值 %q 无效：请写大于 0 且不超过 100 的数，例如 --speed 2",
	"invalid --noise value %q: write a number of 0 or more, e.g. --noise 0":                                      "--noise 的值 %q 无效：请写 0 或更大的数，例如 --noise 0",
	"invalid --seed value %q: write a whole number of 0 or more, e.g. --seed 1":                                  "--seed 的值 %q 无效：请写 0 或更大的整数，例如 --seed 1",
	"invalid --print-every value %q: write a duration such as 5s or 500ms, or 0 to turn the status line off":     "--print-every 的值 %q 无效：请写时长，例如 5s 或 500ms；写 0 关闭状态行",
	"invalid --lang value %q: write zh-CN or en":                                                                 "--lang 的值 %q 无效：请写 zh-CN 或 en",
	`invalid --tcp value %q: write host:port such as 127.0.0.1:15020, or "" to turn Modbus TCP off`:              `--tcp 的值 %q 无效：请写 主机:端口，例如 127.0.0.1:15020；写 "" 关闭 Modbus TCP`,
	"--scenario and --scenario-file cannot be used together: keep one of them":                                   "--scenario 与 --scenario-file 不能同时使用：请只保留其中一个",
	"--rtu-link needs --rtu pty, because the link points to the pty that plantsim creates":                       "--rtu-link 需要 --rtu pty，因为该链接指向 plantsim 创建的伪终端",
	`both Modbus TCP and Modbus RTU are off: set --tcp or --rtu`:                                                 "Modbus TCP 和 Modbus RTU 都已关闭：请设置 --tcp 或 --rtu",
	"unknown flag %s: run plantsim --help to list the flags":                                                     "未知参数 %s：运行 plantsim --help 查看所有参数",
	"flag %s needs a value: run plantsim --help for examples":                                                    "参数 %s 缺少值：运行 plantsim --help 查看示例",
	"invalid flag syntax %s: write --name value or --name=value":                                                 "参数写法 %s 无效：请写 --名称 值 或 --名称=值",
	"unexpected argument %q: plantsim takes only flags, run plantsim --help":                                     "多余的参数 %q：plantsim 只接受参数选项，运行 plantsim --help 查看用法",
	"invalid command line: %v": "命令行无效：%v",
	"invalid --quirk value %q: write UNIT:QUIRK such as rtu/1:busy=3 or tcp/2:slow=200ms":    "--quirk 的值 %q 无效：请写 单元:异常，例如 rtu/1:busy=3 或 tcp/2:slow=200ms",
	"invalid unit %q in --quirk value %q: write rtu/N or tcp/N with N from 1 to 247":         "--quirk 的值 %[2]q 中的单元 %[1]q 无效：请写 rtu/N 或 tcp/N，N 为 1 到 247",
	"unknown quirk %q in --quirk value %q: use one of %s":                                    "--quirk 的值 %[2]q 中的异常 %[1]q 不存在：可选 %[3]s",
	"invalid --quirk value %q: %s takes no value, write %s":                                  "--quirk 的值 %q 无效：%s 不带值，请写 %s",
	"quirk %s in --quirk value %q works only on Modbus RTU: write rtu/N instead of tcp/N":    "--quirk 的值 %[2]q 中的异常 %[1]s 只适用于 Modbus RTU：请把 tcp/N 改为 rtu/N",
	"quirk %s in --quirk value %q works only on Modbus TCP: write tcp/N instead of rtu/N":    "--quirk 的值 %[2]q 中的异常 %[1]s 只适用于 Modbus TCP：请把 rtu/N 改为 tcp/N",
	"invalid value in --quirk value %q: %s needs a whole number from 1 to %s, e.g. %s":       "--quirk 的值 %q 无效：%s 需要 1 到 %s 的整数，例如 %s",
	"invalid value in --quirk value %q: %s needs a duration greater than 0, e.g. %s":         "--quirk 的值 %q 无效：%s 需要大于 0 的时长，例如 %s",
	"invalid value in --quirk value %q: %s needs a probability from 0 to 1, e.g. %s":         "--quirk 的值 %q 无效：%s 需要 0 到 1 之间的概率，例如 %s",
	"invalid --quirk-for value %q: write a duration such as 20s, or 0 to keep the quirks on": "--quirk-for 的值 %q 无效：请写时长，例如 20s；写 0 表示异常模拟一直有效",
	"--quirk-for needs at least one --quirk: add --quirk UNIT:QUIRK or remove --quirk-for":   "--quirk-for 需要至少一个 --quirk：请添加 --quirk 单元:异常，或删除 --quirk-for",

	// Start-up and run time.
	"cannot start Modbus TCP server on %s: %v":         "无法在 %s 启动 Modbus TCP 服务器：%v",
	"cannot create pseudo-terminal for Modbus RTU: %v": "无法为 Modbus RTU 创建伪终端：%v",
	"cannot open serial device %s for Modbus RTU: %v":  "无法打开 Modbus RTU 串口设备 %s：%v",
	"cannot create symbolic link %s: %v":               "无法创建符号链接 %s：%v",
	"cannot write state file %s: %v":                   "无法写入状态文件 %s：%v",
	"Modbus RTU line %s failed: %v":                    "Modbus RTU 线路 %s 出错：%v",
	"error: %s":                                        "错误：%s",
	"off":                                              "关闭",
	"plantsim ready: Modbus TCP %s, Modbus RTU %s, scenarios %s. Press Ctrl-C to stop.": "plantsim 已就绪：Modbus TCP %s，Modbus RTU %s，场景 %s。按 Ctrl-C 停止。",

	// Status line.
	"[%s] gas %s %%LEL | AT-201 %s ppm | LT-301 %s mm, LT-302 %s mm | TT-301 %s °C | PT-401 %s MPa (%s µA) | %s | RTU requests %s, CRC errors %s, stray bytes %s": "[%s] 可燃气 %s %%LEL | AT-201 %s ppm | LT-301 %s mm，LT-302 %s mm | TT-301 %s °C | PT-401 %s MPa（%s µA） | %s | RTU 请求 %s，CRC 错误 %s，杂散字节 %s",
	"open":         "全开",
	"closed":       "全关",
	"opening":      "开启中",
	"closing":      "关闭中",
	"(loop fault)": "（回路故障）",
	"(silent)":     "（无响应）",

	// Quirks.
	"active quirks: %s": "已启用的设备异常模拟：%s",
	"quirks: %s":        "异常模拟：%s",
	"quirks ended after %s: every unit behaves normally again": "异常模拟已在 %s 后结束：所有单元恢复正常",
	"reads rejected with 03":                                   "以 03 拒绝的读请求",
	"short replies":                                            "不完整应答",
	"slow replies":                                             "慢应答",
	"late replies":                                             "超时后应答",
	"busy replies":                                             "忙应答（06）",
	"corrupted CRCs":                                           "损坏的 CRC",
	"replies after stray bytes":                                "带杂散字节的应答",
	"requests ignored":                                         "未应答的请求",
	"stale replies":                                            "重复发送的旧应答",
	"path unavailable replies (0A)":                            "路径不可用应答（0A）",

	helpText: helpTextChinese,
}

func init() {
	for key, text := range chineseMessages {
		if err := message.SetString(tagChinese, key, text); err != nil {
			panic(fmt.Sprintf("register translation %q: %v", key, err))
		}
	}
}

// newPrinter returns the printer for a --lang value, which must be valid.
func newPrinter(lang string) *message.Printer {
	if lang == langEnglish {
		return message.NewPrinter(tagEnglish)
	}
	return message.NewPrinter(tagChinese)
}

// normalizeLang returns the --lang value in canonical form, and false when
// the language is not supported.
func normalizeLang(value string) (string, bool) {
	switch strings.ToLower(value) {
	case "zh-cn", "zh":
		return langChinese, true
	case "en":
		return langEnglish, true
	default:
		return "", false
	}
}

// userError is an error whose message the terminal shows in the user's
// language. The format is the English catalog key.
type userError struct {
	format string
	args   []any
	cause  error
}

func newUserError(cause error, format string, args ...any) *userError {
	return &userError{format: format, args: args, cause: cause}
}

func (e *userError) Error() string { return fmt.Sprintf(e.format, e.args...) }

func (e *userError) Unwrap() error { return e.cause }

// printError writes err to w in the printer's language.
func printError(w io.Writer, printer *message.Printer, err error) {
	text := err.Error()
	var ue *userError
	if errors.As(err, &ue) {
		text = printer.Sprintf(ue.format, ue.args...)
	}
	fmt.Fprintln(w, printer.Sprintf("error: %s", text))
}
