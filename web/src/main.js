// main.js - starts the application: Vue, the router, the session-lost handler, global styles.
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { installSessionLostHandler } from './session.js'
import './styles.css'

installSessionLostHandler(router)
createApp(App).use(router).mount('#app')
