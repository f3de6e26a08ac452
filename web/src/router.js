// router.js - the pages. Every page is its own chunk, loaded when first visited, so the first load
// carries only the shell. meta.perm names the permission a page needs (from /api/v1/me); pages without
// it are public. meta.menu puts the page in the side menu (in this order) with its icon.
import { createRouter, createWebHistory } from 'vue-router'
import { session, loadMe } from './session.js'

export const APP_TITLE = '政法协同办案监督平台'

const routes = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
    meta: { title: '登录' },
  },
  {
    path: '/',
    component: () => import('./views/AppShell.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./views/HomeView.vue'), meta: { title: '首页', menu: 'home' } },
      {
        path: 'workbench',
        name: 'workbench',
        component: () => import('./views/WorkbenchView.vue'),
        meta: { title: '工作台', menu: 'workbench', perm: 'workbench' },
      },
      {
        path: 'matters',
        name: 'matters',
        component: () => import('./views/MattersView.vue'),
        meta: { title: '案件查询', menu: 'matters', perm: 'matter.read' },
      },
      {
        path: 'matters/new',
        name: 'matter-new',
        component: () => import('./views/MatterNewView.vue'),
        meta: { title: '立案', menu: 'matter-new', perm: 'matter.create' },
      },
      {
        path: 'matters/:id(\\d+)',
        name: 'matter',
        component: () => import('./views/MatterView.vue'),
        meta: { title: '案件详情', perm: 'matter.read' },
      },
      {
        path: 'org',
        name: 'org',
        component: () => import('./views/OrgView.vue'),
        meta: { title: '机构', menu: 'org', perm: 'org.read' },
      },
      {
        path: 'supervision',
        name: 'supervision',
        component: () => import('./views/SupervisionView.vue'),
        meta: { title: '督导看板', menu: 'supervision', perm: 'supervise' },
      },
      {
        path: 'assistance',
        name: 'assistance',
        component: () => import('./views/AssistanceView.vue'),
        meta: { title: '协查', menu: 'assistance', perm: 'matter.read' },
      },
      {
        path: 'person-check',
        name: 'person-check',
        component: () => import('./views/PersonCheckView.vue'),
        meta: { title: '人员核查', menu: 'person-check', perm: 'police.act', unitKind: 'police' },
      },
      {
        path: 'ledger',
        name: 'ledger',
        component: () => import('./views/LedgerView.vue'),
        meta: { title: '案款', menu: 'ledger', perm: ['funds.act', 'funds.approve'] },
      },
      {
        path: 'debtor-list',
        name: 'debtor-list',
        component: () => import('./views/DebtorListView.vue'),
        meta: { title: '失信被执行人名单', menu: 'debtor-list' },
      },
      {
        path: 'deadline',
        name: 'deadline',
        component: () => import('./views/DeadlineView.vue'),
        meta: { title: '期限计算器', menu: 'deadline' },
      },
      {
        path: 'holidays',
        name: 'holidays',
        component: () => import('./views/HolidaysView.vue'),
        meta: { title: '节假日安排', menu: 'holidays' },
      },
      {
        path: 'log/sth',
        name: 'sth',
        component: () => import('./views/SthView.vue'),
        meta: { title: '最新签名树头', menu: 'sth' },
      },
      {
        path: 'verify',
        name: 'verify',
        component: () => import('./views/EvidenceView.vue'),
        meta: { title: '证据核验', menu: 'verify' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'notfound',
        component: () => import('./views/NotFoundView.vue'),
        meta: { title: '页面不存在' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: (to, from, saved) => saved || { top: 0 },
})

router.beforeEach(async (to) => {
  if (!session.loaded) await loadMe()
  if (to.name === 'login' && session.user) return to.query.redirect || '/'
  // A page that needs a permission needs a session first; without the permission the shell shows
  // "无权访问" in place of the page (the address stays, so a reload after a role change works).
  if (to.meta.perm && !session.user) return { name: 'login', query: { redirect: to.fullPath } }
  return true
})

let first = true
router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - ${APP_TITLE}` : APP_TITLE
  // After an in-app navigation, move focus to the page's main region so keyboard and screen-reader
  // users start at the new content (not on the first load: the browser's own start is right there).
  if (first) {
    first = false
    return
  }
  setTimeout(() => document.getElementById('main')?.focus({ preventScroll: true }), 0)
})
