/**
 * Import by drag-and-drop (or a file picker): a STIX bundle (JSON) or an incident fact sheet
 * (YAML/JSON), with a progress bar and the server's error report. "Check…" picks a STIX bundle and
 * dry-runs it (the server writes it and rolls back): the counts say what an import would do, and
 * "Import it" then imports the same file.
 */
import type { ImportResult } from '../api/operations';
import { h } from './dom';

export type ImportKind = 'stix-bundle' | 'fact-sheet';

const FACT_SHEET_FORMAT = 'attribution-graph/fact-sheet';

/**
 * What a dropped file is, decided by its content (the server validates it): JSON with the
 * fact-sheet `format` is a fact sheet; other JSON that looks like STIX (a bundle, an object with
 * a `type` and an `id`, or an array: an implicit bundle) is a STIX bundle; text that is not JSON
 * is a fact sheet when it is a `.yaml`/`.yml` file or declares the fact-sheet format.
 */
export function detectImportKind(fileName: string, text: string): ImportKind | null {
  const yamlName = /\.ya?ml$/i.test(fileName);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return yamlName || new RegExp(`^\\s*format:\\s*["']?${FACT_SHEET_FORMAT}`, 'm').test(text) ? 'fact-sheet' : null;
  }
  if (Array.isArray(parsed)) return 'stix-bundle';
  if (!parsed || typeof parsed !== 'object') return yamlName ? 'fact-sheet' : null;
  const value = parsed as { type?: unknown; id?: unknown; format?: unknown };
  if (typeof value.format === 'string' && value.format.startsWith(FACT_SHEET_FORMAT)) return 'fact-sheet';
  if (value.type === 'bundle' || (typeof value.type === 'string' && typeof value.id === 'string')) return 'stix-bundle';
  return yamlName ? 'fact-sheet' : null;
}

export interface ImportCallbacks {
  /** `dryRun`: STIX bundles only (fact sheets are never sent with it). */
  importFile: (kind: ImportKind, text: string, fileName: string, dryRun: boolean) => Promise<ImportResult>;
  onImported: (result: ImportResult) => void;
  /** Offered after a fact sheet is imported: open the incident it describes. */
  openIncident?: (id: string) => void;
}

export function installImport(root: HTMLElement, dialogHost: HTMLElement, callbacks: ImportCallbacks): { open(): void; check(): void } {
  const overlay = h('div', { class: 'drop-overlay', hidden: true, 'aria-hidden': 'true' }, h('p', {}, 'Drop a STIX bundle (.json) or an incident fact sheet (.yaml, .yml or .json) to import it'));
  root.append(overlay);
  const picker = h('input', { type: 'file', accept: '.json,.yaml,.yml,application/json', hidden: true, id: 'import-file' });
  root.append(picker);
  let depth = 0;
  /** What the picker's next file is for. */
  let pickerMode: 'import' | 'check' = 'import';

  const dialog = h('section', { class: 'import-dialog', hidden: true, role: 'dialog', 'aria-label': 'Import', 'aria-live': 'polite' });
  dialogHost.append(dialog);

  const close = h('button', { type: 'button' }, 'Close');
  close.addEventListener('click', () => (dialog.hidden = true));

  async function run(file: File, mode: 'import' | 'check' = 'import'): Promise<void> {
    let kind: ImportKind | null = null;
    const checking = mode === 'check';
    const progress = h('progress', { max: 4, value: 0, 'aria-label': 'Import progress' });
    const step = h('p', { class: 'import-step' }, `Reading ${file.name}…`);
    const report = h('div', { class: 'import-report' });
    dialog.replaceChildren(h('h2', {}, checking ? 'Check (nothing is written)' : 'Import'), progress, step, report, close);
    dialog.hidden = false;
    try {
      const text = await file.text();
      progress.value = 1;
      kind = detectImportKind(file.name, text);
      if (!kind) throw new Error(`${file.name} is neither a STIX bundle nor an incident fact sheet.`);
      if (checking && kind !== 'stix-bundle') {
        throw new Error(`${file.name} is a fact sheet: Check is for STIX bundles. Import it directly: a sheet with problems is refused whole, nothing written.`);
      }
      step.textContent = `${checking ? 'Checking' : 'Sending'} ${kind === 'stix-bundle' ? 'the STIX bundle' : 'the fact sheet'} (${Math.ceil(file.size / 1024)} KiB)…`;
      progress.value = 2;
      const result = await callbacks.importFile(kind, text, file.name, checking);
      progress.value = 4;
      const ok = result.rejected === 0 && result.errors.length === 0;
      if (checking) {
        step.textContent = ok ? 'Checked: it would import as below; nothing was written.' : 'Checked: it would be refused; nothing was written.';
      } else {
        step.textContent = ok ? 'Imported.' : 'Import refused: nothing was written.';
      }
      step.className = `import-step ${ok ? 'ok' : 'error'}`;
      // A refused input lists its errors; a tolerant import lists why objects were set aside.
      const issues = result.errors.length > 0 ? result.errors : (result.quarantine ?? []);
      const located = issues.some((e) => typeof e.line === 'number');
      const open = !checking && ok && result.incidentId && callbacks.openIncident ? h('button', { type: 'button', id: 'import-open-incident', class: 'primary' }, 'Open the incident') : null;
      open?.addEventListener('click', () => {
        dialog.hidden = true;
        callbacks.openIncident!(result.incidentId!);
      });
      const importIt = checking && ok ? h('button', { type: 'button', id: 'import-confirm', class: 'primary' }, 'Import it') : null;
      importIt?.addEventListener('click', () => void run(file, 'import'));
      const tolerated = (result.repaired ?? 0) + (result.quarantined ?? 0) > 0
        ? ` · repaired ${result.repaired ?? 0} · quarantined ${result.quarantined ?? 0}` // see the quarantine: attribution-graph quarantine list
        : '';
      const counts = `created ${result.created} · updated ${result.updated} · unchanged ${result.unchanged} · rejected ${result.rejected}${tolerated}`;
      report.replaceChildren(
        h('p', { class: 'import-counts' }, `${kind === 'fact-sheet' ? 'fact sheet' : 'STIX bundle'}${checking ? ' (if imported)' : ''}: ${counts}`),
        issues.length ? h('table', { class: 'import-errors' },
          h('thead', {}, h('tr', {}, located ? h('th', {}, 'line:col') : null, h('th', {}, 'object'), h('th', {}, 'path'), h('th', {}, 'problem'))),
          h('tbody', {}, issues.slice(0, 200).map((e) => h('tr', {},
            located ? h('td', { class: 'mono' }, typeof e.line === 'number' ? `${e.line}:${e.column ?? ''}` : '') : null,
            h('td', { class: 'mono' }, e.objectId ?? ''), h('td', { class: 'mono' }, e.path ?? ''), h('td', {}, e.message))))) : '',
        issues.length > 200 ? h('p', { class: 'hint' }, `… and ${issues.length - 200} more.`) : '',
        open ?? '',
        importIt ?? '',
      );
      if (!checking) callbacks.onImported(result);
    } catch (error) {
      progress.value = 4;
      step.textContent = error instanceof Error ? error.message : String(error);
      step.className = 'import-step error';
    }
    (dialog.querySelector<HTMLButtonElement>('#import-open-incident, #import-confirm') ?? close).focus();
  }

  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
  root.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth += 1;
    overlay.hidden = false;
  });
  root.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  root.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  root.addEventListener('drop', (event) => {
    event.preventDefault();
    depth = 0;
    overlay.hidden = true;
    const file = event.dataTransfer?.files?.[0];
    if (file) void run(file);
  });
  picker.addEventListener('change', () => {
    const file = picker.files?.[0];
    if (file) void run(file, pickerMode);
    picker.value = '';
  });
  return {
    open: () => {
      pickerMode = 'import';
      picker.click();
    },
    check: () => {
      pickerMode = 'check';
      picker.click();
    },
  };
}
