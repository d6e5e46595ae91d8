import fs from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The report printed to PDF by Chromium (playwright-core's page.pdf), from the same HTML. Every request the page
 * would make is refused, so the PDF shows exactly what the offline HTML shows. Chromium is Debian's
 * /usr/bin/chromium unless CHROMIUM_PATH says otherwise.
 */
export class PdfUnavailableError extends Error {}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** Pages in a PDF written by Chromium (Skia): one "/Type /Page" object per page, outside compressed streams. */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

export async function printPdf(html: string, outFile: string): Promise<{ pages: number; bytes: number }> {
  const exe = chromiumPath();
  if (!fs.existsSync(exe)) throw new PdfUnavailableError(`a PDF needs Chromium, which is not at ${exe} (install it, or set CHROMIUM_PATH); the HTML report was written`);
  // Loaded on demand (and kept out of the CLI bundle): only a PDF needs it.
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = createRequire(__filename)('playwright-core') as typeof import('playwright-core'));
  } catch {
    throw new PdfUnavailableError('a PDF needs playwright-core, which this installation does not have; the HTML report was written (print it from a browser)');
  }
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
    fs.writeFileSync(outFile, pdf);
    return { pages: pdfPageCount(pdf), bytes: pdf.length };
  } finally {
    await browser.close();
  }
}
