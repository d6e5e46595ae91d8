import { useCallback, useEffect, useMemo, useState } from 'react';
import { AppBar, Box, CssBaseline, Drawer, IconButton, List, ListItemButton, ListItemText, ThemeProvider, Toolbar, Tooltip, Typography } from '@mui/material';
import { studioTheme } from './theme';
import { hashOf, PAGES, pageFromHash, type PageId } from './navigation';
import { useLive } from './api/context';
import { PageView } from './pages';
import { JobsStrip } from './components/JobsStrip';

const DRAWER = 190;

export function App() {
  const [mode, setMode] = useState<'light' | 'dark'>(() => (localStorage.getItem('synood-theme') as 'light' | 'dark' | null) ?? 'light');
  const theme = useMemo(() => studioTheme(mode), [mode]);
  // The page lives in the URL's hash, so a reload (or back/forward) lands where the user was.
  const [page, setPageState] = useState<PageId>(() => pageFromHash(window.location.hash) ?? 'project');
  const setPage = useCallback((p: PageId) => {
    setPageState(p);
    if (window.location.hash !== hashOf(p)) window.history.pushState(null, '', hashOf(p));
  }, []);
  useEffect(() => {
    const onPop = () => setPageState(pageFromHash(window.location.hash) ?? 'project');
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const info = useLive((api) => api.call('app.info', {}), ['projects']);
  const project = info.data?.project ?? null;
  // Until the studio says whether a project is open, a page that needs one waits; without one, the Project page shows.
  const needsProject = PAGES.find((p) => p.id === page)!.needsProject;
  const shown: PageId | null = needsProject && !project ? (info.data || info.error ? 'project' : null) : page;
  const toggle = () => {
    const next = mode === 'light' ? 'dark' : 'light';
    localStorage.setItem('synood-theme', next);
    setMode(next);
  };
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <Box sx={{ display: 'flex', height: '100vh' }}>
        <AppBar position="fixed" sx={{ zIndex: (t) => t.zIndex.drawer + 1 }}>
          <Toolbar variant="dense">
            <Typography variant="h6" sx={{ flexGrow: 1 }} data-testid="app-title">
              SynOOD Studio{project ? ` — ${project.name}` : ''}
            </Typography>
            <Tooltip title={`Switch to ${mode === 'light' ? 'dark' : 'light'} theme`}>
              <IconButton color="inherit" onClick={toggle} aria-label="toggle theme">
                {mode === 'light' ? '☾' : '☀'}
              </IconButton>
            </Tooltip>
          </Toolbar>
        </AppBar>
        <Drawer variant="permanent" sx={{ width: DRAWER, [`& .MuiDrawer-paper`]: { width: DRAWER, boxSizing: 'border-box' } }}>
          <Toolbar variant="dense" />
          <List dense component="nav" aria-label="pages">
            {PAGES.map((p) => (
              <ListItemButton key={p.id} selected={shown === p.id} disabled={p.needsProject && !project} onClick={() => setPage(p.id)} data-testid={`nav-${p.id}`}>
                <ListItemText primary={p.label} />
              </ListItemButton>
            ))}
          </List>
        </Drawer>
        <Box component="main" sx={{ flexGrow: 1, display: 'flex', flexDirection: 'column', minWidth: 0 }}>
          <Toolbar variant="dense" />
          <Box sx={{ flexGrow: 1, overflow: 'auto', p: 2, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
            {shown && <PageView page={shown} project={project} onNavigate={setPage} />}
          </Box>
          {project && <JobsStrip />}
        </Box>
      </Box>
    </ThemeProvider>
  );
}
