import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiProvider } from './api/context';
import { createApi } from './api/transport';

createRoot(document.getElementById('root')!).render(
  <ApiProvider api={createApi()}>
    <App />
  </ApiProvider>,
);
