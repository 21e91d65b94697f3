-- title: The ledgers, as the store reads them
-- description: Views over the ledgers beside the store (attached as decisions_db by every connection): decisions, so that queries and views read analysts' decisions by that name.
create or replace view decisions as select * from decisions_db.decisions;
