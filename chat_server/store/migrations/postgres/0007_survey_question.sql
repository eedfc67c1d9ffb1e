-- The post-chat survey's optional extra question (chat_server/services/survey.py), answered with the rating.
-- The question's key, kind and English wording (and a chosen option's English label) are copied with the
-- answer, so a later change of the question in config.toml does not rewrite what was asked. All NULL when
-- the chat had no extra question or the visitor skipped it. The same statements as the SQLite migration of this number.
ALTER TABLE ratings ADD COLUMN survey_key TEXT;
ALTER TABLE ratings ADD COLUMN survey_kind TEXT;
ALTER TABLE ratings ADD COLUMN survey_question TEXT;
ALTER TABLE ratings ADD COLUMN survey_answer TEXT;
ALTER TABLE ratings ADD COLUMN survey_label TEXT;
