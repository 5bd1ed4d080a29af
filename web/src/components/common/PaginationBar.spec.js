import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import PaginationBar from './PaginationBar.vue'

const page = (extra = {}) => ({ page: 2, per_page: 20, total_items: 1000, total_pages: 50, has_next: true, has_prev: true, ...extra })

describe('PaginationBar', () => {
  it('shows the exact total', () => {
    const wrapper = mount(PaginationBar, { props: { pagination: page() } })
    expect(wrapper.text()).toContain('Page 2 of 50 · 1,000 items')
  })

  it('shows a total that is only a lower bound as "1,000+"', () => {
    const wrapper = mount(PaginationBar, { props: { pagination: page({ total_is_lower_bound: true }) } })
    expect(wrapper.text()).toContain('Page 2 of 50+ · 1,000+ items')
  })

  it('asks for the next page', async () => {
    const wrapper = mount(PaginationBar, { props: { pagination: page() } })
    await wrapper.get('[data-testid="page-next"]').trigger('click')
    expect(wrapper.emitted('page')).toEqual([[3]])
  })
})
