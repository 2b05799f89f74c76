/** Tables of the re-test schedule and its lease (migration 7). Filled in with the schedules work. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the schedules work adds its tables here
export interface ScheduleTables {}
