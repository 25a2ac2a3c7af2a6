create table starter_notes (id serial primary key, body text not null);
