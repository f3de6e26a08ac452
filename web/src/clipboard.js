// clipboard.js - copy a text and say so. navigator.clipboard needs a secure context (https or
// localhost); elsewhere fall back to a hidden textarea and execCommand.
import { toast } from './notify.js'

export async function copyText(text, what = '内容') {
  try {
    if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text)
    else {
      const ta = document.createElement('textarea')
      ta.value = text
      ta.setAttribute('readonly', '')
      ta.style.position = 'fixed'
      ta.style.opacity = '0'
      document.body.appendChild(ta)
      ta.select()
      const ok = document.execCommand('copy')
      ta.remove()
      if (!ok) throw new Error('copy refused')
    }
    toast('success', `已复制${what}`)
  } catch {
    toast('warning', `无法自动复制，请手动选择${what}后复制`)
  }
}
