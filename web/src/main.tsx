import './styles.css';
import { loadConfig } from './auth.ts';

/**
 * Two apps share this page: the owner pages (`/owner/<link>`, no sign-in, a few kilobytes)
 * and the staff app. Each is its own chunk, fetched alongside the configuration.
 */
const root = document.getElementById('app') as HTMLElement;
const isOwnerPage = location.pathname.startsWith('/owner/');
const [, app] = await Promise.all([
  loadConfig(),
  isOwnerPage ? import('./owner/owner-page.tsx') : import('./staff/app.tsx'),
]);
app.mount(root);
