/**
 * One Content-Security-Policy for both transports: scripts and styles only from the app itself (MUI's emotion
 * needs inline styles), images from the app, data/blob URLs and the file route, network only back to the host.
 */
export function contentSecurityPolicy(extraImgSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${extraImgSrc.join(' ')}`.trim(),
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
