import { api, asPage } from './client'

export async function list({ page, perPage, actor, action, entity, dateFrom, dateTo } = {}) {
  return asPage(
    await api.get('/audit', {
      query: { page, per_page: perPage, actor, action, entity, date_from: dateFrom, date_to: dateTo },
      action: 'view the audit log',
    }),
  )
}
