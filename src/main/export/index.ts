export { exportAcceptedDataset, metadataRow, METADATA_FILE, type DatasetExportOptions, type DatasetExportResult } from './dataset';
export { acceptedCandidates, type AcceptedCandidate } from './dataset-rows';
export { labelFolders, folderName, UNLABELED_FOLDER } from './label-folders';
export { exportLabels, formatLabels, selectedLabels, LABEL_COLUMNS, type LabelColumn, type SelectedLabel } from './labels';
export { exportRunMetrics, metricsCsv, metricsJson, metricsFormatOf, METRICS_CSV_HEADER, type MetricsFormat, type RunMetricsReport } from './metrics';
export { exportScorer } from './scorer';
export { publishFile, writeExportFile, checkFileTarget } from './atomic-file';
export { publishFolder, checkFolderTarget } from './staged-folder';
export { ExportDiskFullError, ExportTargetExistsError, NothingToExportError, ExportInputError, isDiskFull } from './errors';
