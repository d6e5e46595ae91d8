/**
 * Schema version 1: every table the studio needs. Indexes cover each column a gallery filters or sorts on,
 * always ending in `id` so keyset pagination (sort value, id) is an index range scan.
 */
export const schemaV1 = `
CREATE TABLE project (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ind-train', 'ind-test', 'ood-test')),
  source_path TEXT NOT NULL,
  source_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (name)
);

CREATE TABLE classes (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  idx INTEGER NOT NULL,
  UNIQUE (dataset_id, name)
);

CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  class_id INTEGER REFERENCES classes(id),
  path TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  bytes INTEGER NOT NULL,
  sha256 TEXT,
  skip_reason TEXT,
  thumb_path TEXT,
  selected INTEGER NOT NULL DEFAULT 0,
  UNIQUE (dataset_id, path)
);
CREATE INDEX images_by_dataset_class ON images(dataset_id, class_id, id);
CREATE INDEX images_by_dataset_skip ON images(dataset_id, skip_reason, id);
CREATE INDEX images_selected ON images(selected, class_id, id);
CREATE INDEX images_sha ON images(sha256);

-- Every edit of a prompt is a new row; the newest version per image is the current one.
CREATE TABLE prompt_versions (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  author TEXT NOT NULL CHECK (author IN ('model', 'human')),
  model TEXT,
  raw_answer TEXT,
  elements_json TEXT NOT NULL,
  prompt TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (image_id, version)
);

CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('clip', 'classifier', 'inpainting', 'vlm')),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  signature_json TEXT NOT NULL,
  validation_json TEXT,
  provider TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX models_by_role ON models(role, id);

CREATE TABLE neg_labels (
  id INTEGER PRIMARY KEY,
  word TEXT NOT NULL,
  pos TEXT NOT NULL CHECK (pos IN ('noun', 'adj')),
  template TEXT NOT NULL,
  mining_score REAL,
  selected INTEGER NOT NULL DEFAULT 0,
  tuned INTEGER NOT NULL DEFAULT 0,
  UNIQUE (word, pos)
);
CREATE INDEX neg_labels_selected ON neg_labels(selected, word);

CREATE TABLE candidates (
  id INTEGER PRIMARY KEY,
  source_image_id INTEGER REFERENCES images(id),
  class_id INTEGER REFERENCES classes(id),
  prompt_version_id INTEGER REFERENCES prompt_versions(id),
  job_id INTEGER REFERENCES jobs(id),
  seed INTEGER NOT NULL,
  objective TEXT NOT NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  losses_json TEXT NOT NULL DEFAULT '[]',
  energy REAL,
  msp REAL,
  neglabel_score REAL,
  source_class_prob REAL,
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'accepted', 'rejected')),
  label_id INTEGER REFERENCES neg_labels(id),
  label_source TEXT CHECK (label_source IN ('model', 'human')),
  label_margin REAL,
  file_path TEXT NOT NULL,
  thumb_path TEXT,
  previews_json TEXT NOT NULL DEFAULT '[]',
  timings_json TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  UNIQUE (job_id, source_image_id, seed, objective)
);
CREATE INDEX cand_created ON candidates(created_at, id);
CREATE INDEX cand_energy ON candidates(energy, id);
CREATE INDEX cand_msp ON candidates(msp, id);
CREATE INDEX cand_neglabel ON candidates(neglabel_score, id);
CREATE INDEX cand_srcprob ON candidates(source_class_prob, id);
CREATE INDEX cand_margin ON candidates(label_margin, id);
CREATE INDEX cand_status ON candidates(status, id);
CREATE INDEX cand_class ON candidates(class_id, id);
CREATE INDEX cand_objective ON candidates(objective, id);
CREATE INDEX cand_label ON candidates(label_id, id);
CREATE INDEX cand_source ON candidates(source_image_id);

-- Append-only: undo/redo walk it by batch; a candidate's state is its last effective entry.
CREATE TABLE decisions (
  seq INTEGER PRIMARY KEY,
  batch INTEGER NOT NULL,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  field TEXT NOT NULL CHECK (field IN ('status', 'label')),
  old_value TEXT,
  new_value TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('do', 'undo', 'redo')),
  created_at INTEGER NOT NULL
);
CREATE INDEX decisions_batch ON decisions(batch, seq);

CREATE TABLE label_assignments (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
  label_id INTEGER NOT NULL REFERENCES neg_labels(id),
  prob REAL NOT NULL,
  margin REAL NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('model', 'human')),
  created_at INTEGER NOT NULL
);
CREATE INDEX label_assign_cand ON label_assignments(candidate_id, id);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  config_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  model_hashes_json TEXT NOT NULL DEFAULT '{}',
  data_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  error TEXT,
  checkpoint_path TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
);
CREATE INDEX runs_by_kind ON runs(kind, id);

CREATE TABLE run_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  step INTEGER NOT NULL,
  epoch INTEGER,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;

CREATE TABLE evaluations (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  ood_dataset_id INTEGER REFERENCES datasets(id),
  ood_name TEXT NOT NULL,
  auroc REAL NOT NULL,
  fpr95_mos REAL NOT NULL,
  fpr95_openood REAL NOT NULL,
  aupr_in REAL,
  aupr_out REAL,
  n_ind INTEGER NOT NULL,
  n_ood INTEGER NOT NULL,
  switches_json TEXT NOT NULL DEFAULT '{}',
  curves_json TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX evaluations_run ON evaluations(run_id, id);

CREATE TABLE feature_cache (
  image_sha256 TEXT NOT NULL,
  model_sha256 TEXT NOT NULL,
  prep TEXT NOT NULL,
  dim INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (image_sha256, model_sha256, prep)
) WITHOUT ROWID;

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  params_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled')),
  error TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  status_at INTEGER NOT NULL
);
CREATE INDEX jobs_status ON jobs(status, id);

-- One row per unit of work. An item's result is written in the same transaction that marks it done.
CREATE TABLE job_items (
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  key TEXT NOT NULL,
  payload_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE INDEX job_items_status ON job_items(job_id, status, seq);
`;
