import type { Migration } from './index'

/**
 * Imports stream their rows into the store in batches under a hidden dataset row (`staging_owner` = the
 * importing process id) and move the finished splits to the visible dataset in one transaction, so a
 * cancelled, failed or killed import never leaves half a dataset visible. Rows of staging datasets whose
 * process is gone are deleted by the next import.
 */
export const migration006DatasetStaging: Migration = {
  id: 6,
  name: 'dataset-staging',
  sql: `ALTER TABLE datasets ADD COLUMN staging_owner INTEGER;`,
}
