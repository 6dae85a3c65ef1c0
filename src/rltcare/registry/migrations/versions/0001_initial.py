"""Initial registry schema: clinical tables, accounts and the append-only audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ],
}
DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
    "postgresql": [
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "DROP FUNCTION audit_log_append_only()",
    ],
}


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_table_name"), ["table_name"], unique=False)

    op.create_table(
        "centre",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre")),
        sa.UniqueConstraint("code", name=op.f("uq_centre_code")),
    )
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failure_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failure_client"), ["client"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failure_username"), ["username"], unique=False)

    op.create_table(
        "registry_meta",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_registry_meta")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_api_token_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_token_token_sha256")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "patient",
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_patient_centre_id_centre")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_patient_pseudonym")),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "user_centre",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centre.id"],
            name=op.f("fk_user_centre_centre_id_centre"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_centre_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "centre_id", name=op.f("pk_user_centre")),
    )
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_web_session_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_web_session_key_sha256")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "adverse_event",
        sa.Column("term", sa.String(length=120), nullable=False),
        sa.Column("ctcae_version", sa.String(length=40), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("onset_on", sa.Date(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("attribution", sa.String(length=40), nullable=False),
        sa.Column("lab_value", sa.Float(), nullable=True),
        sa.Column("lab_unit", sa.String(length=20), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_adverse_event_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_event")),
    )
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adverse_event_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "diagnosis",
        sa.Column("cancer_type", sa.String(length=40), nullable=False),
        sa.Column("histology", sa.String(length=200), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("ki67_pct", sa.Float(), nullable=True),
        sa.Column("gleason", sa.Integer(), nullable=True),
        sa.Column("metastatic_sites", sa.String(length=200), nullable=True),
        sa.Column("diagnosed_on", sa.Date(), nullable=False),
        sa.Column("metastatic_on", sa.Date(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_diagnosis_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnosis")),
    )
    with op.batch_alter_table("diagnosis", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_diagnosis_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "eligibility_imaging",
        sa.Column("tracer", sa.String(length=40), nullable=False),
        sa.Column("scanned_on", sa.Date(), nullable=False),
        sa.Column("positive", sa.Boolean(), nullable=False),
        sa.Column("score_system", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("suv_max", sa.Float(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_eligibility_imaging_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_imaging")),
    )
    with op.batch_alter_table("eligibility_imaging", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eligibility_imaging_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "imaging_assessment",
        sa.Column("scanned_on", sa.Date(), nullable=False),
        sa.Column("modality", sa.String(length=40), nullable=False),
        sa.Column("reader", sa.String(length=40), nullable=True),
        sa.Column("lesion", sa.String(length=40), nullable=False),
        sa.Column("site", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Boolean(), nullable=False),
        sa.Column("long_axis_mm", sa.Float(), nullable=True),
        sa.Column("short_axis_mm", sa.Float(), nullable=True),
        sa.Column("sul_peak", sa.Float(), nullable=True),
        sa.Column("psma_tv_ml", sa.Float(), nullable=True),
        sa.Column("new_lesion", sa.Boolean(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_imaging_assessment_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imaging_assessment")),
    )
    with op.batch_alter_table("imaging_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_imaging_assessment_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "lab_result",
        sa.Column("analyte", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("ref_low", sa.Float(), nullable=True),
        sa.Column("ref_high", sa.Float(), nullable=True),
        sa.Column("sampled_on", sa.Date(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_lab_result_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_result")),
    )
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_result_analyte"), ["analyte"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_result_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "performance_status",
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("scale", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_performance_status_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_status")),
    )
    with op.batch_alter_table("performance_status", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_performance_status_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "prior_treatment",
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_prior_treatment_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prior_treatment")),
    )
    with op.batch_alter_table("prior_treatment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prior_treatment_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "treatment_course",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("radiopharmaceutical", sa.String(length=40), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("planned_cycles", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_treatment_course_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_course")),
        sa.UniqueConstraint("patient_id", "number", name=op.f("uq_treatment_course_patient_id")),
    )
    with op.batch_alter_table("treatment_course", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_course_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "vital_status",
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("last_contact_on", sa.Date(), nullable=False),
        sa.Column("died_on", sa.Date(), nullable=True),
        sa.Column("cause", sa.String(length=200), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_vital_status_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vital_status")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_vital_status_patient_id")),
    )
    with op.batch_alter_table("vital_status", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vital_status_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "treatment_cycle",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("administered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prescribed_activity_mbq", sa.Float(), nullable=True),
        sa.Column("administered_activity_mbq", sa.Float(), nullable=False),
        sa.Column("setting", sa.String(length=40), nullable=False),
        sa.Column("stay_h", sa.Float(), nullable=True),
        sa.Column("kidney_gy", sa.Float(), nullable=True),
        sa.Column("marrow_gy", sa.Float(), nullable=True),
        sa.Column("tumour_gy", sa.Float(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["treatment_course.id"],
            name=op.f("fk_treatment_cycle_course_id_treatment_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_treatment_cycle_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_cycle")),
        sa.UniqueConstraint("course_id", "number", name=op.f("uq_treatment_cycle_course_id")),
    )
    with op.batch_alter_table("treatment_cycle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_cycle_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_cycle_patient_id"), ["patient_id"], unique=False
        )

    _run(APPEND_ONLY)


def downgrade() -> None:
    _run(DROP_APPEND_ONLY)
    with op.batch_alter_table("treatment_cycle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_cycle_patient_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_cycle_course_id"))

    op.drop_table("treatment_cycle")
    with op.batch_alter_table("vital_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vital_status_patient_id"))

    op.drop_table("vital_status")
    with op.batch_alter_table("treatment_course", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_course_patient_id"))

    op.drop_table("treatment_course")
    with op.batch_alter_table("prior_treatment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prior_treatment_patient_id"))

    op.drop_table("prior_treatment")
    with op.batch_alter_table("performance_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_performance_status_patient_id"))

    op.drop_table("performance_status")
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_result_patient_id"))
        batch_op.drop_index(batch_op.f("ix_lab_result_analyte"))

    op.drop_table("lab_result")
    with op.batch_alter_table("imaging_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imaging_assessment_patient_id"))

    op.drop_table("imaging_assessment")
    with op.batch_alter_table("eligibility_imaging", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eligibility_imaging_patient_id"))

    op.drop_table("eligibility_imaging")
    with op.batch_alter_table("diagnosis", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diagnosis_patient_id"))

    op.drop_table("diagnosis")
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adverse_event_patient_id"))

    op.drop_table("adverse_event")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))

    op.drop_table("web_session")
    op.drop_table("user_centre")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_centre_id"))

    op.drop_table("patient")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    op.drop_table("registry_meta")
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failure_username"))
        batch_op.drop_index(batch_op.f("ix_login_failure_client"))
        batch_op.drop_index(batch_op.f("ix_login_failure_at"))

    op.drop_table("login_failure")
    op.drop_table("centre")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_table_name"))

    op.drop_table("audit_log")
    op.drop_table("app_user")
