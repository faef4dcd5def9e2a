"""Inspections and assessment (SPEC §9 A-01..A-06) and the maintenance plan (O-05).

Checklist templates are company data; inspections, rectifications, cadence duties, the monthly zone
ranking and the maintenance plans belong to one site. A package by subject; every name is re-exported
here (Django finds the models through this module; migrations name the upload paths by it)."""

from inspections.models.assessment import (
    DERIVED_PARTS,
    Appraisal,
    AppraisalPart,
    AppraisalRule,
    AssessmentMonth,
    Part,
    Post,
    RecognitionAnswer,
    RecognitionCheck,
    SelfAssessment,
    StaffPost,
    ZoneScore,
    ZoneScoreAdjustment,
)
from inspections.models.inspection import (
    RANKING_KINDS,
    ZONE_KINDS,
    Area,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionDuty,
    InspectionPhoto,
    InspectionResult,
    Kind,
    Rectification,
    _photo_path,
)
from inspections.models.maintenance import (
    Cadence,
    Equipment,
    EquipmentDocument,
    MaintenanceOccurrence,
    MaintenancePlan,
    MaintenancePlanLine,
    MaintenanceTemplateLine,
    _equipment_doc_path,
)

__all__ = [
    "DERIVED_PARTS", "RANKING_KINDS", "ZONE_KINDS", "Appraisal", "AppraisalPart", "AppraisalRule", "Area",
    "AssessmentMonth", "Cadence", "ChecklistItem", "ChecklistTemplate", "Equipment", "EquipmentDocument",
    "Inspection", "InspectionDuty", "InspectionPhoto", "InspectionResult", "Kind", "MaintenanceOccurrence",
    "MaintenancePlan", "MaintenancePlanLine", "MaintenanceTemplateLine", "Part", "Post", "RecognitionAnswer",
    "RecognitionCheck", "Rectification", "SelfAssessment", "StaffPost", "ZoneScore", "ZoneScoreAdjustment",
    "_equipment_doc_path", "_photo_path",
]
