package locale

// zhCNBuffer translates the gateway console lines about the local buffer's
// store.
var zhCNBuffer = map[string]string{
	"STORE     buffer %s could not be opened and was moved to %s; a fresh store continues at seq %d": "存储      缓存 %s 无法打开, 已移至 %s; 新建的存储从 seq %d 继续",
	"STORE     buffer %s was empty; a fresh store continues at seq %d, above every seq used before":  "存储      缓存 %s 为空; 新建的存储从 seq %d 继续, 高于此前用过的所有 seq",
}
