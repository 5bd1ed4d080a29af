import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as tenantApi from '@/api/tenant'
import { browserTimeZone, isValidTimeZone } from '@/lib/format'

/** The tenant profile: name, Simulation flag and time zone for the whole UI. */
export const useTenantStore = defineStore('tenant', () => {
  const profile = ref(null)
  const loading = ref(false)
  const error = ref(null)

  const timeZone = computed(() => {
    const tz = profile.value?.settings?.time_zone
    return isValidTimeZone(tz) ? tz : browserTimeZone()
  })
  const simulated = computed(() => Boolean(profile.value?.simulated))

  async function load({ force = false } = {}) {
    if (profile.value && !force) return profile.value
    loading.value = true
    error.value = null
    try {
      // Not every actor may read the profile; the header then falls back on /auth/me's tenant name.
      profile.value = await tenantApi.getProfile({ quietForbidden: true })
      return profile.value
    } catch (e) {
      error.value = e
      return null
    } finally {
      loading.value = false
    }
  }

  async function save(changes) {
    const saved = await tenantApi.updateProfile(changes)
    if (saved) profile.value = saved
    else await load({ force: true }) // a server that answers without the profile: read it back
    return profile.value
  }

  function reset() {
    profile.value = null
    error.value = null
  }

  return { profile, loading, error, timeZone, simulated, load, save, reset }
})
