-- title: Unchanged firms seen again
-- description: The latest version of every unchanged firm of the extract was seen by this run: its last run and date move on.
update firms set last_run = $run_id, seen_on = $as_of
from staging.firms u
where u.change = 'unchanged' and firms.credit_code = u.credit_code and firms.version = u.version;
