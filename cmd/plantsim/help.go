package main

// helpText is the --help output in English and the catalog key of its
// translation.
const helpText = `plantsim simulates the tank farm of a chemical plant for the plantgw gateway:
gas detectors on Modbus RTU; level, temperature, pressure and shutoff valves on Modbus TCP.

Usage: plantsim [flags]

Flags:
  --tcp ADDR            Modbus TCP listen address (default 127.0.0.1:15020).
                        Port 0 picks a free port; "" turns Modbus TCP off.
  --rtu PATH|pty        Modbus RTU line (default pty). "pty" creates a pseudo-terminal
                        and prints its slave path as RTU_PTY=/dev/pts/N; a path opens
                        that serial device, e.g. one end of a socat pair; "" turns RTU off.
  --rtu-link PATH       also create the symbolic link PATH to the pty slave path;
                        an old link is replaced, and the link is removed on exit.
  --scenario LIST       comma-separated scenarios, run one after another (default normal).
                        After the last one the plant stays in normal.
                        Scenarios: normal (10 s), leak (45 s), overfill (45 s),
                        loopfault (30 s), silent (30 s).
  --scenario-file FILE  JSON list of steps instead of --scenario, for example
                        [{"name": "leak", "seconds": 60}, {"name": "overfill"}].
                        seconds is in simulated seconds; 0 or missing uses the default.
  --speed X             time scale: 2 runs every scenario twice as fast (default 1, at most 100).
  --noise F             noise amplitude factor (default 1); 0 keeps every value
                        exactly constant in normal.
  --seed N              seed of the noise generator (default 1).
  --state-file PATH     write the current values as a JSON object to PATH every 200 ms.
  --print-every D       print a status line every D, e.g. 5s or 500ms (default 5s; 0 turns it off).
  --lang zh-CN|en       language of help, errors and the status line (default zh-CN).
  --quirk UNIT:QUIRK    make one unit misbehave like a faulty field device; repeat the flag
                        or write a comma-separated list. UNIT is rtu/N or tcp/N. QUIRK is
                        max-registers=N   reads of more than N registers or bits get exception 03
                        short-reply=N     reads return only the first N values
                        slow=D            every reply is delayed by D, e.g. 200ms
                        late=D            every reply is delayed by D, meant to exceed the
                                          master's timeout; on RTU the reply is still sent
                        busy=N            every N-th request gets exception 06
                        crc-noise=P       a reply's CRC is corrupted with probability P (RTU only)
                        stray-bytes=P     1 to 3 random bytes precede a reply with probability P
                                          (RTU only)
                        dead              the unit never replies
                        stale-reply       before each reply, the connection's previous reply is
                                          sent again with its old transaction id (TCP only)
                        gateway-path      every request gets exception 0A, gateway path
                                          unavailable (TCP only)
  --quirk-for D         end every quirk D after start, e.g. 20s (default 0: quirks stay on).

Examples:
  plantsim --scenario leak,overfill --speed 2 --rtu-link /tmp/plantsim-rtu
  plantsim --quirk rtu/1:busy=3,rtu/2:crc-noise=0.1 --quirk tcp/1:late=2s
  plantsim --quirk tcp/2:stale-reply,tcp/3:gateway-path --quirk-for 20s
`

const helpTextChinese = `plantsim 为 plantgw 网关模拟化工厂罐区：
可燃气体和 H2S 检测器在 Modbus RTU 上；液位、温度、压力和切断阀在 Modbus TCP 上。

用法：plantsim [参数]

参数：
  --tcp ADDR            Modbus TCP 监听地址（默认 127.0.0.1:15020）。
                        端口写 0 表示自动选择空闲端口；写 "" 关闭 Modbus TCP。
  --rtu PATH|pty        Modbus RTU 线路（默认 pty）。pty 表示创建伪终端，并以
                        RTU_PTY=/dev/pts/N 的格式输出从端路径；写路径则打开该串口设备，
                        例如 socat 串口对的一端；写 "" 关闭 RTU。
  --rtu-link PATH       另外创建指向伪终端从端的符号链接 PATH；
                        已有的旧链接会被替换，退出时删除该链接。
  --scenario LIST       以逗号分隔的场景，依次运行（默认 normal）。
                        最后一个场景结束后，装置保持 normal。
                        场景：normal（10 秒）、leak（45 秒）、overfill（45 秒）、
                        loopfault（30 秒）、silent（30 秒）。
  --scenario-file FILE  用 JSON 列表代替 --scenario，例如
                        [{"name": "leak", "seconds": 60}, {"name": "overfill"}]。
                        seconds 为模拟时间（秒）；写 0 或不写则使用默认时长。
  --speed X             时间倍率：2 表示所有场景以两倍速度运行（默认 1，最大 100）。
  --noise F             噪声幅度系数（默认 1）；写 0 时 normal 场景下所有数值恒定不变。
  --seed N              噪声随机数种子（默认 1）。
  --state-file PATH     每 200 ms 将当前数值以 JSON 对象写入 PATH。
  --print-every D       每隔 D 输出一行状态，例如 5s 或 500ms（默认 5s；写 0 关闭）。
  --lang zh-CN|en       帮助、错误和状态行的语言（默认 zh-CN）。
  --quirk UNIT:QUIRK    让一个单元像故障现场设备一样出错；可重复使用该参数，
                        也可写以逗号分隔的列表。UNIT 为 rtu/N 或 tcp/N。QUIRK 可选：
                        max-registers=N   读取超过 N 个寄存器或位时返回异常 03
                        short-reply=N     读请求只返回前 N 个值
                        slow=D            每个应答延迟 D，例如 200ms
                        late=D            每个应答延迟 D，用于超过主站的超时时间；
                                          在 RTU 上该应答仍会发出
                        busy=N            每第 N 个请求返回异常 06
                        crc-noise=P       以概率 P 损坏应答的 CRC（仅 RTU）
                        stray-bytes=P     以概率 P 在应答前发送 1 到 3 个随机字节（仅 RTU）
                        dead              该单元从不应答
                        stale-reply       每个应答之前，先把该连接上一个应答连同其旧事务号
                                          再发送一次（仅 TCP）
                        gateway-path      每个请求都返回异常 0A，网关路径不可用（仅 TCP）
  --quirk-for D         启动 D 之后结束所有异常模拟，例如 20s（默认 0：一直有效）。

示例：
  plantsim --scenario leak,overfill --speed 2 --rtu-link /tmp/plantsim-rtu
  plantsim --quirk rtu/1:busy=3,rtu/2:crc-noise=0.1 --quirk tcp/1:late=2s
  plantsim --quirk tcp/2:stale-reply,tcp/3:gateway-path --quirk-for 20s
`
