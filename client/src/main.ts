import { mount } from 'svelte';
import App from './App.svelte';
import './tokens.css';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

// The service worker caches the app shell so a board opens offline after one visit.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}

export default mount(App, { target });
