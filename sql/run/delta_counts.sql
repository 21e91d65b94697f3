-- title: The run's counts
-- description: Rows in, loaded and rejected, firms by change, firms missing and firms stored, from the staging tables.
select (select count(*) from incoming) as rows_in,
       (select count(*) from firms) as rows_loaded,
       (select count(*) from incoming where rejected is not null) as rows_rejected,
       (select count(*) from firms where change = 'new') as firms_new,
       (select count(*) from firms where change = 'changed') as firms_changed,
       (select count(*) from firms where change = 'updated') as firms_updated,
       (select count(*) from firms where change = 'unchanged') as firms_unchanged,
       (select count(*) from missing) as firms_missing,
       (select count(*) from stored) as firms_stored;
