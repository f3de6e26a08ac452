// notify.js - short messages at the top of the page (Element Plus ElMessage). The message component is
// loaded on first use, not with the first page: most visits never need it.
let loading = null

// toast('success' | 'warning' | 'error' | 'info', text)
export async function toast(type, message) {
  loading ||= import('./notify-impl.js')
  const { ElMessage } = await loading
  ElMessage({ type, message, grouping: true, showClose: type === 'error', duration: type === 'error' ? 5000 : 3000 })
}
