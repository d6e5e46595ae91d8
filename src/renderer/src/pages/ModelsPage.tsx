import { Chip, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography, Stack } from '@mui/material';
import type { ModelRole } from '../../../shared/api';
import { useLive } from '../api/context';
import { ErrorText } from '../components/ErrorText';
import { EmptyState } from '../components/EmptyState';
import { when } from '../format';
import { NegativeLabelsCard } from './NegativeLabelsCard';

const ROLES: { role: ModelRole; what: string }[] = [
  { role: 'clip', what: 'CLIP image and text encoders (NegLabel scores, label assignment, fine-tuning)' },
  { role: 'classifier', what: 'ResNet-50 classifier whose OOD score guides the noise' },
  { role: 'inpainting', what: 'Stable Diffusion 2 inpainting (UNet, VAE, text encoder)' },
  { role: 'vlm', what: 'Vision-language model that lists each image\'s context elements' },
];

export function ModelsPage() {
  const models = useLive((a) => a.call('model.list', {}), ['models']);
  return (
    <Stack spacing={2} data-testid="models-page">
      <ErrorText error={models.error} />
      {models.data && models.data.length === 0 && (
        <EmptyState text="No models are registered yet. Models register themselves when a job first loads them (place the ONNX exports under the project's models/ folder); each role then shows its source, hash, validation result and execution provider here." />
      )}
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>Role</TableCell>
            <TableCell>Source</TableCell>
            <TableCell>SHA-256</TableCell>
            <TableCell>Validation</TableCell>
            <TableCell>Provider</TableCell>
            <TableCell>Registered</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {ROLES.map(({ role, what }) => {
            const rows = models.data?.filter((m) => m.role === role) ?? [];
            if (rows.length === 0)
              return (
                <TableRow key={role}>
                  <TableCell>
                    <Tooltip title={what}>
                      <span>{role}</span>
                    </Tooltip>
                  </TableCell>
                  <TableCell colSpan={5}>
                    <Typography variant="body2" color="text.secondary">
                      not registered — {what}
                    </Typography>
                  </TableCell>
                </TableRow>
              );
            return rows.map((m, i) => (
              <TableRow key={m.id} data-testid={`model-${m.role}`} sx={i > 0 ? { opacity: 0.6 } : undefined}>
                <TableCell>
                  <Tooltip title={what}>
                    <span>{role}</span>
                  </Tooltip>
                  {i > 0 && ' (older)'}
                </TableCell>
                <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }}>{m.path}</TableCell>
                <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }}>
                  <Tooltip title={m.sha256}>
                    <span>{m.sha256.slice(0, 12)}…</span>
                  </Tooltip>
                </TableCell>
                <TableCell>
                  {m.validation ? (
                    <Tooltip title={m.validation.summary}>
                      <Chip size="small" color={m.validation.ok === null ? 'default' : m.validation.ok ? 'success' : 'error'} label={m.validation.ok === null ? 'see details' : m.validation.ok ? 'valid' : 'failed'} />
                    </Tooltip>
                  ) : (
                    <Chip size="small" label="not validated" />
                  )}
                </TableCell>
                <TableCell>{m.provider ?? '–'}</TableCell>
                <TableCell>{when(m.createdAt)}</TableCell>
              </TableRow>
            ));
          })}
        </TableBody>
      </Table>
      <NegativeLabelsCard />
    </Stack>
  );
}
