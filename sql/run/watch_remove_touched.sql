-- title: Remove the entries the run replaces
-- description: The watch-list rows of the firms this run touched go, to be inserted again as watch_next has them.
delete from watchlist where credit_code in (select credit_code from watch_next);
