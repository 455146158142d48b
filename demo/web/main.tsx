import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// A real app imports these from '@nest-auth/mfa/client' and '@nest-auth/mfa/react'.
import { createNestAuthClient } from '../../src/client/index.js';
import { NestAuthProvider } from '../../src/react/index.js';
import { DemoApp } from './demo-app.js';

// Same origin: the demo sign-in cookie travels with every request.
const client = createNestAuthClient({
  baseUrl: window.location.origin,
  credentials: 'same-origin',
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html needs a #root element');
createRoot(container).render(
  <StrictMode>
    <NestAuthProvider client={client}>
      <DemoApp />
    </NestAuthProvider>
  </StrictMode>,
);
