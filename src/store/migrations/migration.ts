/** One schema step, written once per dialect; versions are applied in order and never edited once shipped. */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}
