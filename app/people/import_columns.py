"""The fields of the people import and the header words offices write for them (registration-form wording)."""

from __future__ import annotations

from app.idnumbers import ID_TYPE_LABELS
from app.people.vocabulary import EDUCATION_LABELS, GENDER_LABELS, SCHOOL_TYPE_LABELS, TARGET_GROUP_LABELS
from app.spreadsheets import Field, Vocabulary
from app.translation import N_, joined

KIND = "people"  # the import's name for saved mappings
MAX_ROWS = 10_000  # data rows per upload (the benchmark's 10,000 rows import in about 10 s)

FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", N_("Full name"), ("学员姓名", "人员姓名", "Full name", "Name"), required=True,
          note=N_("Required. As on the identity document."), example="张伟", width=10),
    Field("id_type", "证件类型", N_("ID type"), ("证件种类", "ID type"),
          note=N_("One of: {choices}; blank means a resident identity card.", choices=joined(ID_TYPE_LABELS.values())),
          example="居民身份证"),
    Field("id_number", "证件号码", N_("ID number"),
          ("身份证号码", "身份证号", "公民身份号码", "公民身份证号码", "证件号", "身份证", "ID number"), required=True,
          note=N_("Required. Format this column as “Text”, or Excel turns an 18-digit number into 2.10102E+17. Old "
                  "15-digit numbers are upgraded to 18 digits; a final x may be upper or lower case."),
          example="210102199003071233", text_format=True, sensitive=True, width=22),
    Field("phone", "手机号码", N_("Mobile phone"), ("手机号", "手机", "联系电话", "电话", "联系方式", "移动电话",
                                                 "Mobile phone"),
          note=N_("Optional. An 11-digit mobile number."), example="13812345678", text_format=True, sensitive=True),
    Field("gender", "性别", N_("Gender"), ("Gender",), note=N_(
        "Optional. M or F; a resident ID number already shows the gender, and what is filled in must agree with it."),
        example="男", width=6),
    Field("birth_date", "出生日期", N_("Birth date"), ("出生年月日", "Birth date"), note=N_(
        "Required when the document is a passport; read from the number for other documents."), width=12),
    Field("ethnicity", "民族", N_("Ethnic group"), ("Ethnic group",), note=N_("Optional, e.g. Han or Manchu, as on the identity card."),
          example="汉族", width=8),
    Field("household_place", "户籍所在地", N_("Household registration"),
          ("户籍地", "户口所在地", "户籍", "户口", "Household registration"),
          note=N_("Optional. Where the household (hukou) is registered."), example="辽宁省沈阳市", width=16),
    Field("education", "文化程度", N_("Education"), ("学历", "最高学历", "学历层次", "Education"),
          note=N_("Optional, but the eligibility rules use it. One of: {choices}.",
                  choices=joined(EDUCATION_LABELS.values())), example="高中/中专", width=12),
    Field("school_name", "毕业学校", N_("School graduated from"), ("毕业院校", "毕业院校名称", "毕业学校名称",
                                                                  "School graduated from"),
          note=N_("Optional. The school's name."), example="沈阳市技师学院", width=16),
    Field("school_type", "毕业院校类型", N_("School type"), ("院校类型", "学校类型", "School type"),
          note=N_("Optional. One of: {choices}.", choices=joined(SCHOOL_TYPE_LABELS.values())), example="技工学校"),
    Field("speciality", "所学专业", N_("Speciality"), ("专业", "Speciality"), note=N_("Optional."),
          example="电气自动化"),
    Field("graduated_on", "毕业日期", N_("Graduation date"), ("毕业时间", "Graduation date"),
          note=N_("Optional. Advised with the school type: the eligibility rules use it."), example="2010-07-01",
          width=12),
    Field("target_groups", "目标群体", N_("Target groups"), ("人员类别", "人员类型", "Target groups"),
          note=N_("Optional; several may be given, separated by commas. One of: {choices}.",
                  choices=joined(TARGET_GROUP_LABELS.values())), example="农村转移就业劳动者", width=20),
    Field("employer_name", "工作单位", N_("Employer"), ("单位名称", "工作单位名称", "所在单位", "现工作单位", "Employer"),
          note=N_("One row per job; a person with several jobs takes several rows with the same ID number."),
          example="沈阳某某机械有限公司", width=24),
    Field("occupation_code", "从事职业编码", N_("Occupation code"), ("职业编码", "职业代码", "Occupation code"),
          note=N_("Optional. The occupation classification code, D-DD-DD-DD; when it is blank, an occupation name "
                  "found in the catalogue gives the code."), example="6-31-01-03"),
    Field("occupation_name", "从事职业名称", N_("Occupation worked in"),
          ("职业（工种）", "职业工种", "从事职业", "从事工种", "工种", "职业", "职业名称", "Occupation worked in"),
          note=N_("Required when the employer is filled in."), example="电工"),
    Field("work_start", "工作开始日期", N_("Work start date"), ("参加工作时间", "参加工作日期", "入职日期",
                                                            "入职时间", "Work start date"),
          note=N_("With the employer: either this date or the years worked. Dates may be written 2024-03-01, "
                  "2024/3/1, 2024.03.01 or 20240301."), example="2012-03-01"),
    Field("work_end", "工作结束日期", N_("Work end date"), ("离职日期", "离职时间", "Work end date"),
          note=N_("Leave blank while still employed."), example=""),
    Field("work_years", "从业年限", N_("Years worked in the occupation"),
          ("工作年限", "本职业工作年限", "从事本职业年限", "本职业年限", "本工种工作年限", "Years worked in the occupation"),
          note=N_("With the employer, instead of the dates: the years worked in this occupation as the person "
                  "declares them (5, 5.5 or 5年). They are kept as declared on the import date, and the "
                  "eligibility check counts them as declared work years."), example=""),
)
VOCABULARY = Vocabulary(FIELDS)
PERSON_KEYS = ("name", "id_type", "phone", "gender", "birth_date", "ethnicity", "household_place", "education",
               "school_name", "school_type", "speciality", "graduated_on", "target_groups")
WORK_KEYS = ("employer_name", "occupation_code", "occupation_name", "work_start", "work_end", "work_years")
CHOICES = {"id_type": ID_TYPE_LABELS, "gender": GENDER_LABELS, "education": EDUCATION_LABELS,
           "school_type": SCHOOL_TYPE_LABELS}
