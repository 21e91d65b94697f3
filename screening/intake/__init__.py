"""Applications at the registration counter (京政办发〔2016〕24号 三(一)): refuse, report or pass."""
