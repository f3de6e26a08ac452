// notify-impl.js - the part of notify.js that is loaded lazily.
export { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
