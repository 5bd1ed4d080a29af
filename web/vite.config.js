import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import tailwindcss from '@tailwindcss/vite'

// The SPA is served by App (ASP.NET Core) from App/wwwroot; `npm run build` writes there.
// In development, `npm run dev` proxies /api to a running App (SWITCHBOARD_API, default http://localhost:5000).
export default defineConfig({
  base: '/',
  plugins: [vue(), tailwindcss()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('../App/wwwroot', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 300,
  },
  server: {
    proxy: {
      '/api': { target: process.env.SWITCHBOARD_API || 'http://localhost:5000', changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.js'],
    restoreMocks: true,
    unstubGlobals: true,
  },
})
