-- A search for a common name ("maria": 8% of 100,000 contacts) reads and sorts thousands of rows;
-- with parallel workers that took 100-113 ms on bench/large-shop.ts's shop, alone 31-65 ms (the
-- workers' start and gather cost more than the split saves, on a small compute too).
ALTER TABLE "contacts" SET (parallel_workers = 0);
