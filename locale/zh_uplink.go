package locale

// zhCNUplink translates the config messages about the platform connection:
// its URL, login, TLS files and delivery settings.
var zhCNUplink = map[string]string{
	"%s: the URL contains a user name or password; remove it and set uplink.mqtt.username and uplink.mqtt.password": "%s: URL 中含有用户名或密码; 请从 URL 中删除, 改为设置 uplink.mqtt.username 和 uplink.mqtt.password",
	"%s: a password needs a username; set uplink.mqtt.username":                                                     "%s: 设置了密码就必须设置用户名; 请设置 uplink.mqtt.username",
	"%s: TLS settings need an ssl:// or mqtts:// URL, but uplink.mqtt.url is %q":                                    "%s: TLS 设置需要 ssl:// 或 mqtts:// 开头的 URL, 但 uplink.mqtt.url 为 %q",
	"%s: give both cert_file and key_file, or neither":                                                              "%s: cert_file 和 key_file 必须同时填写, 或都不填",
	"%s: cannot load the client certificate and key: %v":                                                            "%s: 无法加载客户端证书和私钥: %v",
	"%s: cannot read the file: %v":                                                                                  "%s: 无法读取文件: %v",
	"%s: %s contains no PEM certificate":                                                                            "%s: %s 中没有 PEM 格式的证书",
	"%s: %d is less than uplink.mqtt.max_records (%d); raise ack_window or lower max_records":                       "%s: %d 小于 uplink.mqtt.max_records (%d); 请调大 ack_window 或调小 max_records",
}
