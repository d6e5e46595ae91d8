import { Box, Button, Typography } from '@mui/material';

/** What to do next, in words, with the one button that does it. */
export function EmptyState({ text, action, onAction, testId }: { text: string; action?: string; onAction?: () => void; testId?: string }) {
  return (
    <Box sx={{ p: 3, border: 1, borderColor: 'divider', borderStyle: 'dashed', borderRadius: 1 }} data-testid={testId}>
      <Typography variant="body1" sx={{ mb: action ? 1.5 : 0 }}>
        {text}
      </Typography>
      {action && onAction && (
        <Button variant="outlined" onClick={onAction}>
          {action}
        </Button>
      )}
    </Box>
  );
}
