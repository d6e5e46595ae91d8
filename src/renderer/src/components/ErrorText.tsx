import { Alert } from '@mui/material';

/** Errors in plain words: the main side already phrases them for people. */
export function ErrorText({ error }: { error: string | undefined }) {
  return error ? (
    <Alert severity="error" sx={{ my: 1 }} role="alert">
      {error}
    </Alert>
  ) : null;
}
