package locale

// zhCNClock translates the gateway console lines about the system clock.
var zhCNClock = map[string]string{
	"CLOCK     system clock stepped by %+.3f s from %s; records of this run not yet uploaded are re-stamped": "时钟      系统时钟跳变 %+.3f 秒 (原时间 %s); 本次运行中尚未上传的记录已按新时钟校正时间",
}
