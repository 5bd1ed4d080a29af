import { onBeforeUnmount, ref } from 'vue'

const RATES = { 'x-slow': 0.6, slow: 0.8, medium: 1, fast: 1.2, 'x-fast': 1.4 }

/** Reads text aloud with the browser's own voice (an approximation of Twilio's); stops when the component goes. */
export function useSpeech() {
  const canSpeak = typeof window !== 'undefined' && 'speechSynthesis' in window && typeof window.SpeechSynthesisUtterance === 'function'
  const speaking = ref(false)

  function speak(text, { language, rate } = {}) {
    if (!canSpeak) return
    stop()
    if (!text.trim()) return
    const u = new window.SpeechSynthesisUtterance(text)
    u.lang = language || 'en-US'
    u.rate = RATES[rate] ?? 1
    u.onend = u.onerror = () => (speaking.value = false)
    speaking.value = true
    window.speechSynthesis.speak(u)
  }

  function stop() {
    if (canSpeak && speaking.value) window.speechSynthesis.cancel()
    speaking.value = false
  }

  onBeforeUnmount(stop)
  return { canSpeak, speaking, speak, stop }
}
