-- The sample application's first migration. A preview branch (preview.yml) gets the pull
-- request's migrations applied on top of its source branch's data.
create table if not exists orders (
  id bigint generated always as identity primary key,
  item text not null,
  quantity int not null check (quantity > 0),
  created_at timestamptz not null default now()
);
