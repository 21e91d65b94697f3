-- title: Reject records with unusable credit codes
-- description: The reason of every failed code check becomes the record's reject reason.
update incoming set rejected = c.code_problem
from code_checks c
where c.record = incoming.record and c.code_problem is not null;
