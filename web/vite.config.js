// Vite build of the CaseBridge web front end. The C server serves web/dist with a history fallback:
// /assets/* is cached for a year (names carry a content hash), index.html is revalidated on every load.
// Element Plus components are imported on demand (unplugin-vue-components + ElementPlusResolver), so a
// page ships only the components and styles it uses; every page is its own lazily loaded chunk.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const epName = (name) => /^(css|index)(\.css)?$/.test(name || '')

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
    }),
  ],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2020',
    sourcemap: false,
    // The largest chunk is ECharts (map + bar, loaded only by the dashboard); anything bigger is a mistake.
    chunkSizeWarningLimit: 650,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Vue and the router change rarely: one long-cached chunk.
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/, priority: 20 },
            // Charts only for pages that draw them.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 20 },
          ],
        },
        // Element Plus is split per page; its shared pieces would all be called "css" (after the
        // style entry files), so name them "ep".
        chunkFileNames: (chunk) => (epName(chunk.name) ? 'assets/ep-[hash].js' : 'assets/[name]-[hash].js'),
        assetFileNames: (asset) => (epName((asset.names || [])[0]) ? 'assets/ep-[hash][extname]' : 'assets/[name]-[hash][extname]'),
      },
    },
  },
  server: {
    // `npm run dev` proxies the API to a server started with `make run`.
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
    // the dashboard imports ../data/inner_mongolia_leagues.geojson (one copy of the map, in data/)
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
})
