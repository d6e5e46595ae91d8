import { createTheme } from '@mui/material/styles';

export function studioTheme(mode: 'light' | 'dark') {
  return createTheme({
    palette: { mode, primary: { main: mode === 'dark' ? '#7fb3ff' : '#1f5fbf' }, secondary: { main: '#c2185b' } },
    shape: { borderRadius: 6 },
    components: { MuiButton: { defaultProps: { size: 'small' } }, MuiTextField: { defaultProps: { size: 'small' } } },
  });
}
