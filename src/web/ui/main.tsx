/** The dashboard page: one file per page under pages/, shared state in state.ts (src/web/README.md). */
import { render } from 'preact';
import { signal } from '@preact/signals';
import { Approvals } from './pages/approvals';
import { Catalog, loadCatalog } from './pages/catalog';
import { Costs, loadCosts } from './pages/costs';
import { Hosts, loadHosts } from './pages/hosts';
import { Security, loadSecurity } from './pages/security';
import { Servers } from './pages/servers';
import { Traffic } from './pages/traffic';
import { loadTry, TryIt } from './pages/try';
import { listen, loadServers, loggedOut, notice } from './state';

/** Each page, and what to load when it is opened. */
const PAGES = {
  servers: { view: Servers, open: loadServers },
  try: { view: TryIt, open: loadTry, label: 'Try it' },
  traffic: { view: Traffic, open: () => undefined, label: 'Live traffic' },
  approvals: { view: Approvals, open: () => undefined },
  security: { view: Security, open: loadSecurity },
  costs: { view: Costs, open: loadCosts },
  hosts: { view: Hosts, open: loadHosts },
  catalog: { view: Catalog, open: loadCatalog },
};
type PageName = keyof typeof PAGES;
const labelOf = (p: PageName) => ('label' in PAGES[p] ? (PAGES[p] as { label: string }).label : p[0]!.toUpperCase() + p.slice(1));
const page = signal<PageName>('servers');

function App() {
  if (loggedOut.value) return <main><h1>Patchbay</h1><p>Not logged in: run <code>patchbay ui</code> and open the URL it prints.</p></main>;
  const Page = PAGES[page.value].view;
  return (
    <>
      <header><h1>Patchbay</h1>
        <nav aria-label="Pages">
          {(Object.keys(PAGES) as PageName[]).map((p) => (
            <button type="button" aria-current={page.value === p ? 'page' : undefined} onClick={() => { page.value = p; void PAGES[p].open(); }}>{labelOf(p)}</button>
          ))}
        </nav>
      </header>
      <div role="status" aria-live="polite">{notice.value}</div>
      <main><Page /></main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
void loadServers();
void listen();
