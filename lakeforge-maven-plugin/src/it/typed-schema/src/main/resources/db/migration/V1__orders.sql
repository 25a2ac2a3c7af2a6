create table orders (
  id bigserial primary key,
  amount numeric(12, 2) not null,
  note text
);
